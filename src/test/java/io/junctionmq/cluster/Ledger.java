package io.junctionmq.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * What clients saw of one cluster, per queue: the message ids whose publish was confirmed,
 * the publishes that failed, every delivery (with its redelivered flag, delivery tag, the
 * node the consumer was connected to, and when its ack was confirmed). The checks say which
 * confirmed messages never came and which duplicates break at-least-once's rules.
 */
final class Ledger {
  /** A delivery tag's generation: how many times the consumer was attached to a new owner (docs/cluster-queues.md). */
  static final int GENERATION_SHIFT = 40;

  /** One delivery as a consumer received it. */
  static final class Received {
    final String id;
    final String queue;
    final boolean redelivered;
    final long tag;
    final String node;
    final String consumer;
    final long at = System.nanoTime();
    volatile long ackedAt;

    Received(String id, String queue, boolean redelivered, long tag, String node, String consumer) {
      this.id = id;
      this.queue = queue;
      this.redelivered = redelivered;
      this.tag = tag;
      this.node = node;
      this.consumer = consumer;
    }

    long generation() {
      return tag >>> GENERATION_SHIFT;
    }

    @Override
    public String toString() {
      return "{at " + ms(at) + (redelivered ? ", redelivered" : "") + ", tag " + (tag & ((1L << GENERATION_SHIFT) - 1))
          + " gen " + generation() + ", via " + node + " " + consumer.substring(0, Math.min(13, consumer.length()))
          + (ackedAt == 0 ? ", not acked" : ", ack confirmed at " + ms(ackedAt)) + "}";
    }
  }

  private static final long ORIGIN = System.nanoTime();
  private final Map<String, Set<String>> confirmed = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> failed = new ConcurrentHashMap<>();
  private final Map<String, String> confirmations = new ConcurrentHashMap<>();
  private final Map<String, Map<String, List<Received>>> received = new ConcurrentHashMap<>();
  private final Map<String, List<Received>> byQueue = new ConcurrentHashMap<>();

  /** Milliseconds since the test JVM loaded this class: the time base of every printed event. */
  static long ms(long nanos) {
    return (nanos - ORIGIN) / 1_000_000;
  }

  void confirmed(String queue, String id, String node) {
    confirmed.computeIfAbsent(queue, q -> ConcurrentHashMap.newKeySet()).add(id);
    confirmations.put(id, node + " at " + ms(System.nanoTime()));
  }

  /** Which node confirmed {@code id}, and when. */
  String confirmation(String id) {
    return confirmations.getOrDefault(id, "not confirmed");
  }

  void publishFailed(String queue) {
    failed.computeIfAbsent(queue, q -> new AtomicInteger()).incrementAndGet();
  }

  Received received(String queue, String id, boolean redelivered, long tag, String node, String consumer) {
    var r = new Received(id, queue, redelivered, tag, node, consumer);
    received.computeIfAbsent(queue, q -> new ConcurrentHashMap<>())
        .computeIfAbsent(id, i -> Collections.synchronizedList(new ArrayList<>())).add(r);
    byQueue.computeIfAbsent(queue, q -> Collections.synchronizedList(new ArrayList<>())).add(r);
    return r;
  }

  int confirmedCount(String queue) {
    return confirmed.getOrDefault(queue, Set.of()).size();
  }

  int failedCount(String queue) {
    AtomicInteger n = failed.get(queue);
    return n == null ? 0 : n.get();
  }

  int deliveryCount(String queue) {
    List<Received> all = byQueue.get(queue);
    return all == null ? 0 : all.size();
  }

  /** Confirmed ids of {@code queue} that no consumer has received (yet). */
  Set<String> missing(String queue) {
    Map<String, List<Received>> got = received.getOrDefault(queue, Map.of());
    return confirmed.getOrDefault(queue, Set.of()).stream().filter(id -> !got.containsKey(id))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /** Every delivery of {@code queue} received after {@code nanos}, in the order received. */
  List<Received> deliveriesAfter(String queue, long nanos) {
    List<Received> all = byQueue.getOrDefault(queue, List.of());
    synchronized (all) {
      return all.stream().filter(r -> r.at > nanos).toList();
    }
  }

  /** The highest tag generation among the deliveries of {@code queue} so far. */
  long generation(String queue) {
    List<Received> all = byQueue.getOrDefault(queue, List.of());
    synchronized (all) {
      return all.stream().mapToLong(Received::generation).max().orElse(0);
    }
  }

  /** Deliveries of {@code queue} that came more than once, by id. */
  Map<String, List<Received>> duplicates(String queue) {
    return received.getOrDefault(queue, Map.of()).entrySet().stream().filter(e -> e.getValue().size() > 1)
        .collect(Collectors.toMap(Map.Entry::getKey, e -> List.copyOf(e.getValue())));
  }

  /**
   * The duplicates of {@code queue} that break the rules: of the deliveries of one message,
   * only one (the first the broker made; with two owners on two paths it need not be the
   * first to arrive) may lack the redelivered flag, and none may come after an ack of that
   * message was confirmed.
   */
  List<String> violations(String queue) {
    var found = new ArrayList<String>();
    duplicates(queue).forEach((id, copies) -> {
      var sorted = new ArrayList<>(copies);
      sorted.sort((a, b) -> Long.compare(a.at, b.at));
      if (sorted.stream().filter(r -> !r.redelivered).count() > 1) {
        found.add(id + " came more than once without the redelivered flag: " + sorted);
      }
      for (Received again : sorted) {
        if (sorted.stream().anyMatch(r -> r.ackedAt != 0 && r.ackedAt < again.at)) {
          found.add(id + " came again after its ack was confirmed: " + sorted);
          break;
        }
      }
    });
    return found;
  }

  /** One line per queue: confirmed, failed publishes, deliveries, duplicates. */
  String summary(String queue) {
    return String.format("%s: %d confirmed, %d publishes failed, %d deliveries, %d ids delivered more than once",
        queue, confirmedCount(queue), failedCount(queue), deliveryCount(queue), duplicates(queue).size());
  }
}
