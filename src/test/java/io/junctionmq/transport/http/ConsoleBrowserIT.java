package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Message;
import io.junctionmq.model.Queue;
import io.junctionmq.transport.NodeScript;
import io.junctionmq.transport.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The management console (webroot/index.html) in headless Chromium against a real broker:
 * the overview's live charts, the forms, an API error, and the queue page of 10 000 queues.
 * Screenshots of every step go to target/screenshots/.
 */
class ConsoleBrowserIT {
  static final Path SHOTS = Path.of(System.getProperty("basedir", "."), "target", "screenshots");
  static final int MANY = 10_000;
  static final int WINDOW = 64;

  private static JsonObject run(String script, Map<String, String> env) {
    var result = NodeScript.run(script, env, Duration.ofSeconds(120));
    assertEquals(0, result.exitCode(), result.output());
    String[] lines = result.output().trim().split("\n");
    return new JsonObject(lines[lines.length - 1]);
  }

  @Test
  void theConsoleShowsTheOverviewDeclaresPublishesGetsAndShowsAnApiError() {
    NodeScript.assumeChromium();
    try (var node = TestNode.start()) {
      node.broker().declareQueue(new Queue("/", "console-sac", true, false, false,
          Map.of("x-single-active-consumer", true))).await();
      for (int i = 0; i < 2; i++) {
        node.broker().consume("/", "console-sac", ConsumeOptions.of(1, AckMode.AUTO), d -> { }).await();
      }
      var shown = run("console-basics.mjs", Map.of("BASE", node.httpUrl(), "QUEUE", "console-it",
          "NODE", node.broker().nodeId(), "SHOTS", SHOTS.toString()));
      assertEquals(node.broker().nodeId(), shown.getString("node"), shown.encode());
      assertEquals("User guest (administrator, anonymous)", shown.getString("user"), shown.encode());
      assertTrue(shown.getInteger("chartUpdates") >= 2, shown.encode());
      assertEquals("1", shown.getString("messages"), shown.encode());
      assertEquals("hello from the console to console-it", shown.getString("payload"));
      String error = shown.getString("error");
      assertTrue(error.contains("queue 'console-it' exists with other attributes"), error);
      assertTrue(error.contains("409 precondition_failed"), error);
      assertEquals(List.of("single_active", "waiting"), shown.getJsonArray("statuses").getList(), shown.encode());
      assertEquals(1, node.broker().queueInfo("/", "console-it").await().stats().messages(),
          "the get form requeued the message");
    }
  }

  @Test
  void theQueuePageOfTenThousandQueuesRendersInUnderTwoSecondsAndSearchesAndSorts() throws InterruptedException {
    NodeScript.assumeChromium();
    try (var node = TestNode.start()) {
      long declared = declare(node, MANY);
      for (var entry : Map.of("many-07777", 3, "many-01234", 2, "many-00042", 1).entrySet()) {
        for (int i = 0; i < entry.getValue(); i++) {
          node.broker().publish("/", new Message("", entry.getKey(), null, "x".getBytes()), false).await();
        }
      }
      var shown = run("console-many-queues.mjs", Map.of("BASE", node.httpUrl(), "TOTAL", String.valueOf(MANY),
          "SHOTS", SHOTS.toString()));
      long millis = shown.getLong("renderMillis");
      System.out.printf("console: %d queues declared in %d ms; queue page rendered in %d ms (median of %s; first"
          + " navigation, broker cold: %d ms); last one: %s%n", MANY, declared, millis, shown.getJsonArray("renders"),
          shown.getLong("coldMillis"), shown.getJsonArray("timings"));
      assertTrue(millis < 2000, "the first page of 10 000 queues took " + millis + " ms: " + shown.encode());
      assertEquals("Page 1 of 500 · 10,000 queues", shown.getString("info"));
      assertEquals(List.of("many-00420", "many-00421", "many-00422", "many-00423", "many-00424", "many-00425",
          "many-00426", "many-00427", "many-00428", "many-00429"), shown.getJsonArray("searched").getList());
      assertEquals(new JsonArray().add(new JsonArray().add("many-07777").add("3"))
          .add(new JsonArray().add("many-01234").add("2")).add(new JsonArray().add("many-00042").add("1"))
          .add(new JsonArray().add("many-00000").add("0")), shown.getJsonArray("byMessagesDesc"),
          "ties (no messages) keep name order");
      assertEquals("0", shown.getJsonArray("byMessagesAsc").getJsonArray(0).getString(1));
    }
  }

  /** Declares {@code count} transient queues through the broker API, {@link #WINDOW} at a time; returns the ms taken. */
  private static long declare(TestNode node, int count) throws InterruptedException {
    long start = System.nanoTime();
    var window = new Semaphore(WINDOW);
    var failure = new AtomicReference<Throwable>();
    for (int i = 0; i < count && failure.get() == null; i++) {
      window.acquire();
      node.broker().declareQueue(Queue.transientQueue("/", String.format("many-%05d", i))).onComplete(ar -> {
        if (ar.failed()) {
          failure.compareAndSet(null, ar.cause());
        }
        window.release();
      });
    }
    assertTrue(window.tryAcquire(WINDOW, 2, TimeUnit.MINUTES), "the last declarations did not complete");
    if (failure.get() != null) {
      throw new AssertionError("declaring queues failed", failure.get());
    }
    return (System.nanoTime() - start) / 1_000_000;
  }
}
