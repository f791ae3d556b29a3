package io.junctionmq.transport.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.transport.TestNode;
import io.junctionmq.transport.stomp.RawStompClient;
import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deduplication by message id over STOMP and HTTP on one node: a repeated id is confirmed
 * and neither stored nor delivered, the window ends, and it holds across a restart.
 */
class DeduplicationIT {
  private static final Duration T = Duration.ofSeconds(10);
  private static TestNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = new ApiClient(node.httpUrl() + "/api");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static void declare(String queue, JsonObject arguments) {
    var r = api.put("/queues/%2F/" + queue, new JsonObject().put("durable", true).put("arguments", arguments));
    assertEquals(2, r.status() / 100, r.toString());
  }

  private static JsonObject dedup(Object window) {
    var args = new JsonObject().put("x-message-deduplication", true);
    return window == null ? args : args.put("x-deduplication-window", window);
  }

  private static void publish(String queue, String messageId) {
    var r = api.send("POST", "/exchanges/%2F/amq.default/publish?routing_key=" + queue + "&persistent=true", "body",
        Map.of("Content-Type", "text/plain", "Idempotency-Key", messageId));
    assertEquals(200, r.status(), r.toString());
    assertEquals(new JsonObject().put("routed", true), r.json());
  }

  private static JsonObject info(String queue) {
    var r = api.get("/queues/%2F/" + queue);
    assertEquals(200, r.status(), r.toString());
    return r.json();
  }

  private static long messages(String queue) {
    return info(queue).getLong("messages");
  }

  private static long deduplicated(String queue) {
    return info(queue).getJsonObject("message_stats").getLong("deduplicated");
  }

  @Test
  void overStompTheSameMessageIdSentTwiceGetsTwoReceiptsAndIsDeliveredOnce() throws IOException {
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.connect("0,0");
      c.send(RawStompClient.frame(StompCommand.SUBSCRIBE, "destination", "/queue/dd.stomp", "id", "s", "ack", "auto",
          "durable", "true", "x-message-deduplication", "true", "x-deduplication-window", "60000", "receipt", "sub"));
      assertEquals("sub", c.receive(T).header("receipt-id"));
      for (String[] send : new String[][] {{"m1", "r1"}, {"m1", "r2"}, {"m2", "r3"}}) {
        c.send(RawStompClient.frame(StompCommand.SEND, "destination", "/amq/queue/dd.stomp", "persistent", "true",
            "message-id", send[0], "receipt", send[1]));
      }
      var receipts = new ArrayList<String>();
      var delivered = new ArrayList<String>();
      while (receipts.size() < 3 || delivered.size() < 2) {
        StompFrame f = c.receive(T);
        if (f.command() == StompCommand.RECEIPT) {
          receipts.add(f.header("receipt-id"));
        } else {
          assertEquals(StompCommand.MESSAGE, f.command(), f.toString());
          delivered.add(f.header("amqp-message-id"));
        }
      }
      assertEquals(List.of("r1", "r2", "r3"), receipts);
      assertEquals(List.of("m1", "m2"), delivered);
      JsonObject q = info("dd.stomp");
      assertEquals(1, q.getJsonObject("message_stats").getLong("deduplicated"), q.encode());
      assertEquals(2, q.getJsonObject("message_stats").getLong("publish"), q.encode());
      assertEquals(2, q.getJsonObject("message_stats").getLong("deliver_get"), q.encode());
    }
  }

  @Test
  void overStompABadWindowIsAnErrorNamingIt() throws IOException {
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.connect("0,0");
      c.send(RawStompClient.frame(StompCommand.SUBSCRIBE, "destination", "/queue/dd.bad", "id", "s",
          "x-message-deduplication", "true", "x-deduplication-window", "0"));
      StompFrame error = c.receive(T);
      assertEquals(StompCommand.ERROR, error.command(), error.toString());
      assertTrue(error.header("message").contains("x-deduplication-window"), error.toString());
    }
  }

  @Test
  void overHttpTheSameIdempotencyKeyPublishedTwiceIsConfirmedTwiceAndStoredOnce() {
    declare("dd.http", dedup(null));
    publish("dd.http", "k1");
    publish("dd.http", "k1");
    assertEquals(1, messages("dd.http"));
    assertEquals(1, deduplicated("dd.http"));
  }

  @Test
  void overHttpAWindowWithoutTheFlagIsRefusedNamingIt() {
    var r = api.put("/queues/%2F/dd.refused", new JsonObject().put("durable", true)
        .put("arguments", new JsonObject().put("x-deduplication-window", 1000)));
    assertEquals(400, r.status(), r.toString());
    assertTrue(r.body().contains("x-deduplication-window"), r.toString());
    assertEquals(404, api.get("/queues/%2F/dd.refused").status());
  }

  @Test
  void afterTheWindowTheSameIdIsStoredAgain() {
    declare("dd.window", dedup(300));
    publish("dd.window", "w1");
    publish("dd.window", "w1");
    assertEquals(1, messages("dd.window"));
    await().atMost(T).pollInterval(Duration.ofMillis(100)).until(() -> {
      publish("dd.window", "w1");
      return messages("dd.window") == 2;
    });
  }

  @Test
  void theWindowHoldsAcrossARestartOfTheNode() {
    declare("dd.restart", dedup(600_000));
    publish("dd.restart", "r1");
    var got = api.post("/queues/%2F/dd.restart/get", new JsonObject().put("count", 1)
        .put("ackmode", "ack_requeue_false").put("encoding", "auto"));
    assertEquals(1, got.array().size(), got.toString());
    assertEquals(0, messages("dd.restart"));

    node.restart();
    api = new ApiClient(node.httpUrl() + "/api");

    publish("dd.restart", "r1");
    assertEquals(0, messages("dd.restart"), "consumed before the restart, and remembered after it");
    assertEquals(1, deduplicated("dd.restart"));
    publish("dd.restart", "r2");
    assertEquals(1, messages("dd.restart"));
  }
}
