package io.junctionmq.transport.stomp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.QueueStats;
import io.junctionmq.transport.TestNode;
import java.io.BufferedOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backpressure both ways over raw TCP sockets: a subscriber that stops reading holds the
 * messages in the queue (in PostgreSQL), not in the broker's heap; a producer that never waits
 * is slowed by TCP, not failed.
 */
class StompBackpressureIT {
  private static final int MAX_IN_FLIGHT = 200;
  private static final int WINDOW = 1000;
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("publish.max-in-flight", MAX_IN_FLIGHT, "queue.window.messages", WINDOW));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static byte[] send(String queue, int i, boolean receipt) {
    String body = String.format("%08d", i) + "-" + "x".repeat(140);
    var f = StompFrame.builder(StompCommand.SEND).header("destination", "/queue/" + queue).header("persistent", "true");
    if (receipt) {
      f.header("receipt", Integer.toString(i));
    }
    return StompEncoder.encode(f.body(body).build());
  }

  /** Writes {@code count} SENDs from a thread of its own; the socket blocks when the broker stops reading. */
  private static CompletableFuture<Void> produce(RawStompClient producer, String queue, int count, boolean allReceipts) {
    return CompletableFuture.runAsync(() -> {
      try {
        var out = new BufferedOutputStream(new java.io.OutputStream() {
          @Override
          public void write(int b) throws java.io.IOException {
            producer.sendRaw(new byte[] {(byte) b});
          }

          @Override
          public void write(byte[] b, int off, int len) throws java.io.IOException {
            producer.sendRaw(java.util.Arrays.copyOfRange(b, off, off + len));
          }
        }, 64 * 1024);
        for (int i = 0; i < count; i++) {
          out.write(send(queue, i, allReceipts || i == count - 1));
        }
        out.flush();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static QueueStats stats(String queue) {
    return node.broker().queueInfo("/", queue).await().stats();
  }

  @Test
  void aSubscriberThatStopsReadingHoldsMessagesInTheQueueNotTheHeap() throws Exception {
    int n = 200_000;
    String queue = "bp-slow";
    try (var consumer = new RawStompClient(node.junction().stompPort(), 4096);
         var producer = new RawStompClient(node.junction().stompPort())) {
      consumer.connect("0,0");
      consumer.send(StompFrame.builder(StompCommand.SUBSCRIBE).header("id", "s").header("destination", "/queue/" + queue)
          .header("ack", "auto").header("receipt", "sub").build());
      assertEquals("sub", consumer.receive(Duration.ofSeconds(10)).header("receipt-id"));
      // From here on the consumer reads nothing until every message is confirmed.
      producer.connect("0,0");
      long heapBefore = usedHeapAfterGc();
      long started = System.nanoTime();
      CompletableFuture<Void> writing = produce(producer, queue, n, true);
      int receipts = 0;
      while (receipts < n) {
        StompFrame f = producer.receive(Duration.ofSeconds(60));
        assertEquals(StompCommand.RECEIPT, f.command(), f.toString());
        assertEquals(Integer.toString(receipts), f.header("receipt-id"));
        receipts++;
      }
      writing.get(10, TimeUnit.SECONDS);
      long publishMillis = (System.nanoTime() - started) / 1_000_000;
      long heapAfter = usedHeapAfterGc();
      QueueStats held = stats(queue);
      System.out.printf("slow consumer: %d confirmed in %d ms; delivered into the stalled socket %d, ready %d, "
          + "heap after GC %d MiB -> %d MiB, delivery pauses %d%n", n, publishMillis, held.delivered(),
          held.messagesReady(), heapBefore >> 20, heapAfter >> 20, node.junction().stomp().stats().deliveryPauses());
      assertTrue(held.delivered() < 20_000, "deliveries into a socket nobody reads: " + held.delivered());
      assertEquals(n, held.messagesReady() + held.delivered());
      assertTrue(node.junction().stomp().stats().deliveryPauses() > 0);
      // The bodies alone are 30 MB; the queue keeps a window of them, the rest is in PostgreSQL.
      assertTrue(heapAfter - heapBefore < 24L << 20, "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MiB");

      var seen = new BitSet(n);
      int duplicates = 0;
      int received = 0;
      while (received < n) {
        StompFrame m = consumer.receive(Duration.ofSeconds(30));
        assertEquals(StompCommand.MESSAGE, m.command());
        int i = Integer.parseInt(new String(m.body(), 0, 8, StandardCharsets.US_ASCII));
        if (seen.get(i) && !"true".equals(m.header("redelivered"))) {
          duplicates++;
        }
        seen.set(i);
        received++;
      }
      assertEquals(n, seen.cardinality());
      assertEquals(0, duplicates);
      await().atMost(Duration.ofSeconds(10)).until(() -> stats(queue).messages() == 0);
    }
  }

  @Test
  void aProducerThatNeverWaitsIsSlowedNotFailed() throws Exception {
    int n = 50_000;
    String queue = "bp-fast";
    var stats = node.junction().stomp().stats();
    long pausesBefore = stats.readPauses();
    try (var producer = new RawStompClient(node.junction().stompPort())) {
      producer.connect("0,0");
      CompletableFuture<Void> writing = produce(producer, queue, n, false);
      StompFrame receipt = producer.receive(Duration.ofSeconds(90));
      assertEquals(StompCommand.RECEIPT, receipt.command(), receipt.toString());
      assertEquals(Integer.toString(n - 1), receipt.header("receipt-id"));
      writing.get(10, TimeUnit.SECONDS);
    }
    System.out.printf("fast producer: peak unconfirmed SENDs %d (limit %d), read pauses %d%n",
        stats.peakInFlight(), MAX_IN_FLIGHT, stats.readPauses() - pausesBefore);
    assertTrue(stats.peakInFlight() <= MAX_IN_FLIGHT, "in flight " + stats.peakInFlight());
    assertTrue(stats.readPauses() > pausesBefore, "the broker never stopped reading");
    assertEquals(n, stats(queue).messagesReady());
  }
}
