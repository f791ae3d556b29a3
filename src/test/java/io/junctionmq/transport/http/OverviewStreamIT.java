package io.junctionmq.transport.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Message;
import io.junctionmq.model.Queue;
import io.junctionmq.transport.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /api/overview/stream} read with a plain HTTP client: an event a second, the overview's fields. */
class OverviewStreamIT {
  static final Duration WAIT = Duration.ofSeconds(10);
  static TestNode node;
  static ApiClient api;
  static Vertx client;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = new ApiClient(node.httpUrl() + "/api");
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    client.close().await();
    node.close();
  }

  private static LineStream open() {
    return LineStream.open(client, node.httpPort(), "/api/overview/stream", "text/event-stream");
  }

  /** The JSON of the next {@code data:} line. */
  private static JsonObject next(LineStream s) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String line = s.next(Duration.ofMillis(200));
      if (line != null && line.startsWith("data:")) {
        return new JsonObject(line.substring(5).trim());
      }
    }
    throw new AssertionError("no overview event within " + WAIT);
  }

  @Test
  void eventsArriveAboutOnceASecondWithTheOverviewsFields() {
    try (var s = open()) {
      assertEquals(200, s.status());
      assertEquals("text/event-stream", s.header("Content-Type"));
      var events = new ArrayList<JsonObject>();
      var arrivals = new ArrayList<Long>();
      for (int i = 0; i < 4; i++) {
        events.add(next(s));
        arrivals.add(System.nanoTime());
      }
      JsonObject e = events.get(3);
      assertEquals(node.broker().nodeId(), e.getString("node"));
      assertTrue(e.getLong("timestamp") > 0, e.encode());
      for (String f : new String[] {"connections", "exchanges", "queues", "consumers"}) {
        assertTrue(e.getJsonObject("object_totals").containsKey(f), e.encode());
      }
      for (String f : new String[] {"messages", "messages_ready", "messages_unacknowledged"}) {
        assertTrue(e.getJsonObject("queue_totals").containsKey(f), e.encode());
      }
      for (String f : new String[] {"publish", "deliver_get", "ack", "redeliver"}) {
        assertTrue(e.getJsonObject("message_stats").containsKey(f), e.encode());
        assertTrue(e.getJsonObject("message_stats").getJsonObject(f + "_details").containsKey("rate"), e.encode());
      }
      // The first event comes at once; the next three a second apart (loosely: the machine is shared).
      double gaps = (arrivals.get(3) - arrivals.get(0)) / 3 / 1e6;
      assertTrue(gaps > 700 && gaps < 1600, "mean gap " + gaps + " ms");
      long[] timestamps = events.stream().mapToLong(x -> x.getLong("timestamp")).toArray();
      assertTrue(timestamps[3] - timestamps[1] >= 1500, java.util.Arrays.toString(timestamps));
    }
  }

  @Test
  void publishedMessagesShowInTheCountsAndTheRate() {
    node.broker().declareQueue(Queue.transientQueue("/", "ov.rates")).await();
    try (var s = open()) {
      long before = next(s).getJsonObject("queue_totals").getLong("messages");
      for (int i = 0; i < 50; i++) {
        node.broker().publish("/", new Message("", "ov.rates", null, ("m" + i).getBytes()), false).await();
      }
      JsonObject e = next(s);
      for (int i = 0; i < 5 && e.getJsonObject("queue_totals").getLong("messages") < before + 50; i++) {
        e = next(s);
      }
      assertEquals(before + 50, e.getJsonObject("queue_totals").getLong("messages"), e.encode());
      assertTrue(e.getJsonObject("message_stats").getLong("publish") >= 50, e.encode());
      double rate = e.getJsonObject("message_stats").getJsonObject("publish_details").getDouble("rate");
      assertTrue(rate > 0, e.encode());
    } finally {
      api.delete("/queues/%2F/ov.rates");
    }
  }

  @Test
  void oneTickServesEverySubscriberAndAClosedStreamIsForgotten() {
    try (var first = open()) {
      next(first);
      try (var second = open()) {
        next(second);
        await().atMost(WAIT).until(() -> next(first).getInteger("stream_subscribers") == 2);
      }
      await().atMost(WAIT).until(() -> next(first).getInteger("stream_subscribers") == 1);
    }
  }

  @Test
  void aClientThatAcceptsOnlyJsonGetsA406() {
    var r = api.send("GET", "/overview/stream", null, java.util.Map.of("Accept", "application/json"));
    assertEquals(406, r.status(), r.body());
    assertEquals("not_acceptable", r.json().getString("error"));
  }
}
