package io.junctionmq.store;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.Queue;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * A {@link MetadataStore} in the heap: the cheap twin of {@link PgMetadataStore}, which
 * {@code MetadataStoreContract} holds to the same behaviour, for testing the broker without
 * PostgreSQL. Every future is already complete when returned. One lock guards everything:
 * metadata changes are rare and callers may be on any thread.
 *
 * <p>As in PostgreSQL, a vhost must be saved before anything in it, queue ids are never
 * reused and lease epochs only grow. Leases expire on the given clock, as PostgreSQL's leases
 * do on the database's. Messages live in a {@link MessageStore} of their own: deleting a
 * queue here leaves them (its id is never reused, so nothing reads them again).
 */
public final class InMemoryMetadataStore implements MetadataStore {
  private static final Comparator<Binding> BINDING_ORDER = Comparator.comparing(Binding::vhost)
      .thenComparing(Binding::source).thenComparing(Binding::destination)
      .thenComparing(Binding::destinationType).thenComparing(Binding::routingKey);

  private final LongSupplier nanoTime;
  private final Set<String> vhosts = new TreeSet<>();
  private final Map<Key, Exchange> exchanges = new TreeMap<>();
  private final Map<Long, Queue> queues = new TreeMap<>();
  private final Set<Binding> bindings = new LinkedHashSet<>();
  private final Map<Long, LeaseRow> leases = new TreeMap<>();
  private long lastQueueId;

  /** Leases expire on {@link System#nanoTime()}. */
  public InMemoryMetadataStore() {
    this(System::nanoTime);
  }

  /** Leases expire as {@code nanoTime} tells the time (tests move it by hand). */
  public InMemoryMetadataStore(LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  @Override
  public synchronized Future<Metadata> load() {
    return Future.succeededFuture(new Metadata(List.copyOf(vhosts), List.copyOf(exchanges.values()),
        queues.entrySet().stream().map(e -> new StoredQueue(e.getKey(), e.getValue())).toList(),
        bindings.stream().sorted(BINDING_ORDER).toList()));
  }

  @Override
  public synchronized Future<Void> saveVhost(String name) {
    vhosts.add(name);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> deleteVhost(String name) {
    vhosts.remove(name);
    exchanges.keySet().removeIf(k -> k.vhost().equals(name));
    bindings.removeIf(b -> b.vhost().equals(name));
    queues.entrySet().removeIf(e -> {
      boolean inVhost = e.getValue().vhost().equals(name);
      if (inVhost) {
        leases.remove(e.getKey());
      }
      return inVhost;
    });
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> saveExchange(Exchange exchange) {
    if (!vhosts.contains(exchange.vhost())) {
      return noVhost(exchange.vhost());
    }
    exchanges.put(new Key(exchange.vhost(), exchange.name()), exchange);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> deleteExchange(String vhost, String name) {
    bindings.removeIf(b -> b.vhost().equals(vhost) && (b.source().equals(name)
        || b.destinationType() == Binding.DestinationType.EXCHANGE && b.destination().equals(name)));
    exchanges.remove(new Key(vhost, name));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Long> saveQueue(Queue queue) {
    if (!vhosts.contains(queue.vhost())) {
      return noVhost(queue.vhost());
    }
    boolean exists = queues.values().stream()
        .anyMatch(q -> q.vhost().equals(queue.vhost()) && q.name().equals(queue.name()));
    if (exists) {
      return Future.failedFuture(new StoreException("queue '" + queue.name() + "' in vhost '" + queue.vhost()
          + "' exists already"));
    }
    long id = ++lastQueueId;
    queues.put(id, queue);
    return Future.succeededFuture(id);
  }

  @Override
  public synchronized Future<Void> deleteQueue(long queueId) {
    leases.remove(queueId);
    Queue q = queues.remove(queueId);
    if (q != null) {
      bindings.removeIf(b -> b.vhost().equals(q.vhost()) && b.destinationType() == Binding.DestinationType.QUEUE
          && b.destination().equals(q.name()));
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> saveBinding(Binding binding) {
    if (!vhosts.contains(binding.vhost())) {
      return noVhost(binding.vhost());
    }
    bindings.add(binding);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> deleteBinding(Binding binding) {
    bindings.remove(binding);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Long> acquireLease(long queueId, String node, Duration ttl) {
    if (!queues.containsKey(queueId)) {
      return Future.failedFuture(new StoreException("no queue with id " + queueId));
    }
    LeaseRow lease = leases.get(queueId);
    long now = nanoTime.getAsLong();
    if (lease == null) {
      return take(queueId, node, 1, now, ttl);
    }
    if (node.equals(lease.owner()) || lease.free(now)) {
      return take(queueId, node, lease.epoch() + 1, now, ttl);
    }
    return Future.failedFuture(new LeaseHeldException(queueId, lease.owner()));
  }

  @Override
  public synchronized Future<Long> takeOverLease(long queueId, String node, Duration ttl, String formerOwner) {
    LeaseRow lease = leases.get(queueId);
    if (lease != null && lease.owner() != null && lease.owner().equals(formerOwner)) {
      return take(queueId, node, lease.epoch() + 1, nanoTime.getAsLong(), ttl);
    }
    return acquireLease(queueId, node, ttl);
  }

  private Future<Long> take(long queueId, String node, long epoch, long now, Duration ttl) {
    leases.put(queueId, new LeaseRow(node, epoch, expiry(now, ttl)));
    return Future.succeededFuture(epoch);
  }

  @Override
  public synchronized Future<List<Lease>> leases() {
    long now = nanoTime.getAsLong();
    return Future.succeededFuture(leases.entrySet().stream()
        .map(e -> new Lease(e.getKey(), e.getValue().owner(), e.getValue().epoch(), e.getValue().free(now)))
        .toList());
  }

  /** As in PostgreSQL, a lease that ran out but that no other node took yet is still the node's to renew. */
  @Override
  public synchronized Future<List<Long>> renewLeases(String node, Duration ttl) {
    long now = nanoTime.getAsLong();
    var held = new ArrayList<Long>();
    leases.replaceAll((id, lease) -> {
      if (!node.equals(lease.owner())) {
        return lease;
      }
      held.add(id);
      return new LeaseRow(node, lease.epoch(), expiry(now, ttl));
    });
    return Future.succeededFuture(List.copyOf(held));
  }

  @Override
  public synchronized Future<Void> releaseLease(long queueId, String node) {
    leases.computeIfPresent(queueId, (id, lease) -> node.equals(lease.owner())
        ? new LeaseRow(null, lease.epoch(), lease.expiresAt())
        : lease);
    return Future.succeededFuture();
  }

  /** Keeps what is stored, as closing PostgreSQL's store keeps the database. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private static long expiry(long now, Duration ttl) {
    // Capped so that expiry comparisons, which allow the clock to wrap, stay right.
    return now + Math.min(ttl.toMillis(), Long.MAX_VALUE / 4 / 1_000_000) * 1_000_000;
  }

  private static <T> Future<T> noVhost(String vhost) {
    return Future.failedFuture(new StoreException("no vhost '" + vhost + "'"));
  }

  private record Key(String vhost, String name) implements Comparable<Key> {
    private static final Comparator<Key> ORDER = Comparator.comparing(Key::vhost).thenComparing(Key::name);

    @Override
    public int compareTo(Key other) {
      return ORDER.compare(this, other);
    }
  }

  /** A queue's lease: no owner once released; expiry in {@code nanoTime} units. */
  private record LeaseRow(String owner, long epoch, long expiresAt) {
    /** Released, or run out: another node may take it. */
    boolean free(long now) {
      return owner == null || now - expiresAt > 0;
    }
  }
}
