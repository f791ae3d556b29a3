package io.junctionmq.transport.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Message;
import io.junctionmq.model.Queue;
import io.junctionmq.transport.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streaming consumers over SSE and NDJSON: auto and manual acks, close, keep-alive, errors. */
class HttpStreamIT {
  static final Duration WAIT = Duration.ofSeconds(10);
  static TestNode node;
  static ApiClient api;
  static Vertx client;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("http.stream.keep-alive", "300ms"));
    api = new ApiClient(node.httpUrl() + "/api");
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    client.close().await();
    node.close();
  }

  private static void queue(String name) {
    node.broker().declareQueue(Queue.durable("/", name)).await();
  }

  private static void publish(String queue, String payload) {
    node.broker().publish("/", new Message("", queue, null, payload.getBytes()), false).await();
  }

  private static LineStream open(String uri, String accept) {
    return LineStream.open(client, node.httpPort(), "/api" + uri, accept);
  }

  private static JsonObject queueInfo(String name) {
    return api.get("/queues/%2F/" + name).json();
  }

  /** The next SSE event as {field: value}, skipping keep-alive comments. */
  private static Map<String, String> event(LineStream s) {
    var fields = new java.util.HashMap<String, String>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String line = s.next(Duration.ofMillis(200));
      if (line == null || line.startsWith(":")) {
        continue;
      }
      if (line.isEmpty()) {
        if (!fields.isEmpty()) {
          return fields;
        }
        continue;
      }
      int colon = line.indexOf(':');
      fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
    }
    throw new AssertionError("no SSE event within " + WAIT + "; got " + fields);
  }

  @Test
  void anNdjsonStreamWithAutoAckDeliversAndSettlesEveryMessage() {
    queue("s.auto");
    publish("s.auto", "one");
    try (var s = open("/queues/%2F/s.auto/stream", "application/x-ndjson")) {
      assertEquals(200, s.status());
      assertEquals("application/x-ndjson", s.header("Content-Type"));
      JsonObject first = new JsonObject(s.nextNonEmpty(WAIT));
      assertTrue(first.getString("consumer").startsWith("http-"), first.encode());
      assertEquals("auto", first.getString("ack"));
      JsonObject m1 = new JsonObject(s.nextNonEmpty(WAIT));
      assertEquals("one", m1.getString("payload"));
      assertEquals(1, m1.getLong("delivery_tag"));
      assertEquals("s.auto", m1.getString("routing_key"));
      publish("s.auto", "two");
      assertEquals("two", new JsonObject(s.nextNonEmpty(WAIT)).getString("payload"));
      var ackOnAuto = api.post("/consumers/" + first.getString("consumer") + "/ack",
          new JsonObject().put("delivery_tag", 1));
      assertEquals(409, ackOnAuto.status(), ackOnAuto.body());
      assertEquals(0, queueInfo("s.auto").getLong("messages"));
      assertEquals(1, queueInfo("s.auto").getInteger("consumers"));
      assertTrue(api.get("/consumers").array().stream()
          .anyMatch(c -> ((JsonObject) c).getString("consumer_tag").equals(first.getString("consumer"))));
    }
    await().atMost(WAIT).until(() -> queueInfo("s.auto").getInteger("consumers") == 0);
  }

  @Test
  void anSseStreamWithManualAcksSettlesByConsumerIdAndClosingReturnsTheUnacked() {
    queue("s.manual");
    for (int i = 0; i < 3; i++) {
      publish("s.manual", "m" + i);
    }
    try (var s = open("/queues/%2F/s.manual/stream?ack=manual&prefetch=2", "text/event-stream")) {
      assertEquals(200, s.status());
      assertTrue(s.header("Content-Type").startsWith("text/event-stream"));
      var hello = event(s);
      assertEquals("consumer", hello.get("event"));
      String id = new JsonObject(hello.get("data")).getString("consumer");
      var e1 = event(s);
      var e2 = event(s);
      assertEquals("1", e1.get("id"));
      assertEquals("m0", new JsonObject(e1.get("data")).getString("payload"));
      assertEquals("m1", new JsonObject(e2.get("data")).getString("payload"));
      assertEquals(2, new JsonObject(e2.get("data")).getLong("delivery_tag"));
      await().atMost(WAIT).until(() -> queueInfo("s.manual").getLong("messages_unacknowledged") == 2);

      assertEquals(204, api.post("/consumers/" + id + "/ack", new JsonObject().put("delivery_tag", 1)).status());
      var e3 = event(s);
      assertEquals("m2", new JsonObject(e3.get("data")).getString("payload"));
      assertEquals(204, api.post("/consumers/" + id + "/nack", new JsonObject().put("delivery_tag", 2)
          .put("requeue", true)).status());
      JsonObject again = new JsonObject(event(s).get("data"));
      assertEquals("m1", again.getString("payload"));
      assertTrue(again.getBoolean("redelivered"));

      var unknownTag = api.post("/consumers/" + id + "/ack", new JsonObject().put("delivery_tag", 99));
      assertEquals(400, unknownTag.status(), unknownTag.body());
      assertEquals("unknown_delivery_tag", unknownTag.json().getString("error"));
      assertEquals(400, api.post("/consumers/" + id + "/ack", new JsonObject()).status());
      var unknownId = api.post("/consumers/http-nope/ack", new JsonObject().put("delivery_tag", 1));
      assertEquals(404, unknownId.status());
      assertEquals("not_found", unknownId.json().getString("error"));
      assertEquals(2, queueInfo("s.manual").getLong("messages_unacknowledged"));
    }
    await().atMost(WAIT).until(() -> queueInfo("s.manual").getLong("messages_ready") == 2);
    assertEquals(0, queueInfo("s.manual").getLong("messages_unacknowledged"));
    assertEquals(0, queueInfo("s.manual").getInteger("consumers"));
  }

  @Test
  void anIdleSseStreamSendsKeepAliveComments() {
    queue("s.idle");
    try (var s = open("/queues/%2F/s.idle/stream?format=sse", null)) {
      assertEquals(200, s.status());
      String line;
      do {
        line = s.next(WAIT);
        assertNotNull(line, "no keep-alive within " + WAIT);
      } while (!line.startsWith(":"));
    }
  }

  @Test
  void deletingTheQueueEndsTheStreamWithAnEndEvent() {
    queue("s.deleted");
    try (var s = open("/queues/%2F/s.deleted/stream", "application/x-ndjson")) {
      s.nextNonEmpty(WAIT);
      await().atMost(WAIT).until(() -> queueInfo("s.deleted").getInteger("consumers") == 1);
      assertEquals(204, api.delete("/queues/%2F/s.deleted").status());
      JsonObject end = new JsonObject(s.nextNonEmpty(WAIT));
      assertNotNull(end.getJsonObject("end"), end.encode());
      await().atMost(WAIT).until(s.ended::get);
    }
  }

  @Test
  void closingTheStreamsConnectionThroughTheApiEndsTheStreamSayingWhy() {
    queue("s.closed");
    try (var s = open("/queues/%2F/s.closed/stream", "application/x-ndjson")) {
      s.nextNonEmpty(WAIT);
      await().atMost(WAIT).until(() -> queueInfo("s.closed").getInteger("consumers") == 1);
      String id = api.get("/connections").array().stream().map(o -> (JsonObject) o)
          .filter(c -> c.getString("protocol").equals("http-stream")).findFirst().orElseThrow().getString("name");
      assertEquals(204, api.delete("/connections/" + id).status());
      JsonObject end = new JsonObject(s.nextNonEmpty(WAIT));
      assertTrue(end.getJsonObject("end").getString("reason").contains("through the management API"), end.encode());
      await().atMost(WAIT).until(s.ended::get);
      assertEquals(0, queueInfo("s.closed").getInteger("consumers"));
    }
  }

  @Test
  void streamErrorsAreJsonBeforeTheStreamStarts() {
    try (var s = open("/queues/%2F/s.none/stream", "text/event-stream")) {
      assertEquals(404, s.status());
      assertEquals("not_found", new JsonObject(s.nextNonEmpty(WAIT)).getString("error"));
    }
    queue("s.errors");
    try (var s = open("/queues/%2F/s.errors/stream", "text/html")) {
      assertEquals(406, s.status());
    }
    try (var s = open("/queues/%2F/s.errors/stream?ack=sometimes", null)) {
      assertEquals(400, s.status());
    }
  }
}
