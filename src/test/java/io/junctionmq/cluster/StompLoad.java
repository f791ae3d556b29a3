package io.junctionmq.cluster;

import io.junctionmq.transport.stomp.RawStompClient;
import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * STOMP clients of one {@link NodeProcess} over plain TCP, each on a thread of its own,
 * recording what they see in a {@link Ledger}:
 *
 * <ul>
 *   <li>a publisher sends persistent SENDs to {@code /queue/<queue>}, each with a receipt, one
 *   at a time: a RECEIPT is a confirm; an ERROR (counted by its {@code code}), a closed
 *   connection or no answer within {@link #ANSWER} a failed publish, after which it connects
 *   again;</li>
 *   <li>a consumer subscribes with {@code ack:client-individual} and acks each MESSAGE; when
 *   its connection ends (an ERROR, the broker cancelled the subscription) it connects and
 *   subscribes again, and counts it.</li>
 * </ul>
 */
final class StompLoad implements AutoCloseable {
  static final Duration ANSWER = Duration.ofSeconds(15);
  private static final Duration RETRY = Duration.ofMillis(200);

  private final Ledger ledger;
  private final NodeProcess node;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
  private final AtomicInteger resubscribed = new AtomicInteger();
  private volatile boolean publishing = true;
  private volatile boolean stopped;
  private final CountDownLatch closing = new CountDownLatch(1);

  StompLoad(Ledger ledger, NodeProcess node) {
    this.ledger = ledger;
    this.node = node;
  }

  void publisher(String queue, int index) {
    start("stomp-publisher-" + queue + "-" + index, () -> publish(queue, queue + "-s" + index + "-"));
  }

  void consumer(String queue, int prefetch) {
    start("stomp-consumer-" + queue, () -> consume(queue, prefetch));
  }

  /** Stops every publisher after its publish in flight is answered. */
  void stopPublishing() {
    publishing = false;
  }

  /** How many ERROR frames carried each {@code code} (publishers and consumers). */
  Map<String, Integer> errors() {
    var copy = new java.util.TreeMap<String, Integer>();
    errors.forEach((code, n) -> copy.put(code, n.get()));
    return copy;
  }

  /** How many times a consumer had to subscribe again after its connection or subscription ended. */
  int resubscribed() {
    return resubscribed.get();
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    publishing = false;
    closing.countDown();
    for (Thread t : threads) {
      t.join(ANSWER.plusSeconds(5).toMillis());
    }
  }

  private void start(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  private void publish(String queue, String prefix) {
    long sequence = 0;
    while (publishing && !stopped) {
      try (var stomp = new RawStompClient(node.stompPort())) {
        if (!connected(stomp)) {
          continue;
        }
        while (publishing && !stopped) {
          String id = prefix + ++sequence;
          stomp.send(StompFrame.builder(StompCommand.SEND).header("destination", "/queue/" + queue)
              .header("persistent", "true").header("receipt", id).header("message-id", id)
              .body(id.getBytes(StandardCharsets.UTF_8)).build());
          StompFrame answer = stomp.receive(ANSWER);
          if (answer != null && answer.command() == StompCommand.RECEIPT && id.equals(answer.header("receipt-id"))) {
            ledger.confirmed(queue, id, node.nodeId());
            continue;
          }
          ledger.publishFailed(queue);
          error(answer);
          break;
        }
      } catch (IOException e) {
        // refused, reset or no answer in time: counted once, then connect again
        errors.computeIfAbsent("connection: " + e.getClass().getSimpleName(), c -> new AtomicInteger()).incrementAndGet();
      }
      pause();
    }
  }

  private void consume(String queue, int prefetch) {
    boolean first = true;
    while (!stopped) {
      try (var stomp = new RawStompClient(node.stompPort())) {
        if (!connected(stomp)) {
          continue;
        }
        if (!first) {
          resubscribed.incrementAndGet();
        }
        first = false;
        stomp.send(StompFrame.builder(StompCommand.SUBSCRIBE).header("destination", "/queue/" + queue)
            .header("id", "0").header("ack", "client-individual").header("prefetch-count", String.valueOf(prefetch))
            .build());
        while (!stopped) {
          StompFrame f;
          try {
            f = stomp.receive(Duration.ofMillis(500));
          } catch (java.net.SocketTimeoutException idle) {
            continue;
          }
          if (f == null || f.command() != StompCommand.MESSAGE) {
            error(f);
            break;
          }
          // Acks go without receipts: the ledger checks redelivered flags, not redeliveries after an ack.
          ledger.received(queue, f.bodyText(), Boolean.parseBoolean(f.header("redelivered")), 0, node.nodeId(),
              "stomp-" + queue);
          stomp.send(StompFrame.builder(StompCommand.ACK).header("id", f.header("ack")).build());
        }
      } catch (IOException e) {
        errors.computeIfAbsent("connection: " + e.getClass().getSimpleName(), c -> new AtomicInteger()).incrementAndGet();
      }
      pause();
    }
  }

  private boolean connected(RawStompClient stomp) throws IOException {
    StompFrame connected = stomp.connect("0,0");
    if (connected != null && connected.command() == StompCommand.CONNECTED) {
      return true;
    }
    error(connected);
    pause();
    return false;
  }

  private void error(StompFrame f) {
    String code = f == null ? "connection closed" : f.command() == StompCommand.ERROR ? "ERROR " + f.header("code")
        : "unexpected " + f.command();
    errors.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
  }

  /** A client's reconnect delay, cut short by {@link #close()}: no busy loop against a refusing broker. */
  private void pause() {
    try {
      closing.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
