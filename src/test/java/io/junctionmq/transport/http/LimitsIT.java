package io.junctionmq.transport.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.transport.TestNode;
import io.junctionmq.transport.stomp.RawStompClient;
import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ's vhost limits ({@code max-connections}, {@code max-queues}) and user limit
 * ({@code max-connections}) on a real node: set over the management API, refused with {@code
 * limit_reached} on STOMP and HTTP, and nothing else affected.
 */
class LimitsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static TestNode node;
  private static ApiClient admin;
  private static Vertx client;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("auth.failure-delay", "10ms"));
    admin = new ApiClient(node.httpUrl() + "/api");
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    client.close().await();
    node.close();
  }

  private static void vhost(String name) {
    assertEquals(201, admin.put("/vhosts/" + name, new JsonObject()).status());
  }

  private static void limit(String path, int value) {
    var r = admin.put(path, new JsonObject().put("value", value));
    assertEquals(204, r.status(), r.body());
  }

  private static RawStompClient stomp(String vhost, String login, String passcode) throws IOException {
    var c = new RawStompClient(node.junction().stompPort());
    c.send(StompFrame.builder(StompCommand.CONNECT).header("accept-version", "1.2").header("host", vhost)
        .header("login", login).header("passcode", passcode).header("heart-beat", "0,0").build());
    return c;
  }

  private static void limitReached(ApiClient.Response r, String reason) {
    assertEquals(429, r.status(), r.body());
    assertEquals("limit_reached", r.json().getString("error"));
    assertEquals(reason, r.json().getString("reason"));
  }

  private static void limitReached(StompFrame error, String reason) {
    assertEquals(StompCommand.ERROR, error.command());
    assertEquals("limit_reached", error.header("code"));
    assertEquals("limit_reached: " + reason, error.header("message"));
  }

  private static void sent(RawStompClient c, String destination, String receipt) throws IOException {
    c.send(StompFrame.builder(StompCommand.SEND).header("destination", destination).header("receipt", receipt)
        .body("hi".getBytes(StandardCharsets.UTF_8)).build());
    StompFrame r = c.receive(WAIT);
    assertEquals(StompCommand.RECEIPT, r.command(), r.toString());
  }

  /** This node's open connections, of every vhost (the API does not tell their vhost). */
  private static long connections() {
    return admin.get("/connections").array().size();
  }

  @Test
  void aConnectionBeyondTheVhostsLimitIsRefusedOnStompAndHttpAndTheOthersGoOn() throws IOException {
    vhost("capped");
    limit("/vhost-limits/capped/max-connections", 1);
    assertEquals(new JsonObject().put("vhost", "capped").put("value", new JsonObject().put("max-connections", 1)),
        admin.get("/vhost-limits/capped").array().getJsonObject(0));
    String reason = "the connection limit of vhost 'capped' (1) is reached";
    try (var first = stomp("capped", "guest", "guest")) {
      assertEquals(StompCommand.CONNECTED, first.receive(WAIT).command());
      try (var second = stomp("capped", "guest", "guest")) {
        limitReached(second.receive(WAIT), reason);
        assertTrue(second.closedWithin(WAIT));
      }
      assertEquals(201, admin.put("/queues/capped/q", new JsonObject()).status(), "no connection: not limited");
      limitReached(admin.send("GET", "/queues/capped/q/stream", null, Map.of("Accept", "application/x-ndjson")),
          reason);
      limitReached(admin.send("POST", "/exchanges/capped/amq.default/publish", "{\"routing_key\":\"q\"}\n",
          Map.of("Content-Type", "application/x-ndjson")), reason);
      assertEquals(200, admin.post("/exchanges/capped/amq.default/publish", new JsonObject().put("routing_key", "q")
          .put("payload", "one request")).status(), "a single publish opens no connection");
      sent(first, "/queue/q", "r1");
      assertEquals(2, admin.get("/queues/capped/q").json().getLong("messages_ready"));
    }
    await().atMost(WAIT).until(() -> connections() == 0);
    try (var again = stomp("capped", "guest", "guest")) {
      assertEquals(StompCommand.CONNECTED, again.receive(WAIT).command(), "the closed connection freed its place");
    }
  }

  @Test
  void anHttpStreamIsAConnectionOfItsVhost() throws IOException {
    vhost("streamed");
    assertEquals(201, admin.put("/queues/streamed/s", new JsonObject()).status());
    limit("/vhost-limits/streamed/max-connections", 1);
    try (var stream = LineStream.open(client, node.httpPort(), "/api/queues/streamed/s/stream", "application/x-ndjson")) {
      assertEquals(200, stream.status());
      try (var refused = stomp("streamed", "guest", "guest")) {
        limitReached(refused.receive(WAIT), "the connection limit of vhost 'streamed' (1) is reached");
      }
    }
    assertEquals(204, admin.delete("/vhost-limits/streamed/max-connections").status());
    try (var c = stomp("streamed", "guest", "guest")) {
      assertEquals(StompCommand.CONNECTED, c.receive(WAIT).command(), "no limit once it is removed");
    }
  }

  @Test
  void aUserBeyondItsConnectionLimitIsRefusedAndOtherUsersAreNot() throws IOException {
    assertEquals(201, admin.put("/users/carol", new JsonObject().put("password", "c4rol").put("tags", "")).status());
    assertEquals(201, admin.put("/permissions/%2F/carol", new JsonObject().put("configure", ".*").put("write", ".*")
        .put("read", ".*")).status());
    limit("/user-limits/carol/max-connections", 1);
    assertEquals(new JsonArray().add(new JsonObject().put("user", "carol")
        .put("value", new JsonObject().put("max-connections", 1))), admin.get("/user-limits/carol").array());
    assertTrue(admin.get("/user-limits").array().contains(admin.get("/user-limits/carol").array().getValue(0)));
    try (var first = stomp("/", "carol", "c4rol")) {
      assertEquals(StompCommand.CONNECTED, first.receive(WAIT).command());
      try (var second = stomp("/", "carol", "c4rol")) {
        limitReached(second.receive(WAIT), "the connection limit of user 'carol' (1) is reached");
      }
      String carol = "Basic " + Base64.getEncoder().encodeToString("carol:c4rol".getBytes(StandardCharsets.UTF_8));
      limitReached(admin.send("GET", "/queues/%2F/anything/stream", null, Map.of("Authorization", carol)),
          "the connection limit of user 'carol' (1) is reached");
      try (var guest = stomp("/", "guest", "guest")) {
        assertEquals(StompCommand.CONNECTED, guest.receive(WAIT).command());
      }
      sent(first, "/queue/carols", "r1");
    }
    assertEquals(204, admin.delete("/user-limits/carol/max-connections").status());
    assertEquals(new JsonArray(), admin.get("/user-limits/carol").array());
  }

  @Test
  void aQueueBeyondTheVhostsQueueLimitIsRefusedOnStompAndHttp() throws IOException {
    vhost("few");
    limit("/vhost-limits/few/max-queues", 1);
    assertEquals(201, admin.put("/queues/few/a", new JsonObject()).status());
    limitReached(admin.put("/queues/few/b", new JsonObject()),
        "cannot declare queue 'b': the queue limit of vhost 'few' (1) is reached");
    assertEquals(204, admin.put("/queues/few/a", new JsonObject()).status(), "a redeclaration is no new queue");
    try (var c = stomp("few", "guest", "guest")) {
      assertEquals(StompCommand.CONNECTED, c.receive(WAIT).command());
      sent(c, "/queue/a", "r1");
      c.send(StompFrame.builder(StompCommand.SUBSCRIBE).header("id", "0").header("destination", "/queue/c")
          .header("receipt", "r2").build());
      limitReached(c.receive(WAIT), "cannot declare queue 'c': the queue limit of vhost 'few' (1) is reached");
    }
    assertEquals(1, admin.get("/queues/few").array().size());
    assertEquals(1, admin.get("/queues/few/a").json().getLong("messages_ready"));
  }

  @Test
  void aBadLimitIsA400AndAnUnknownUserA404() {
    assertEquals(201, admin.put("/users/dave", new JsonObject().put("password", "d4ve").put("tags", "")).status());
    for (var r : new ApiClient.Response[] {
        admin.put("/user-limits/dave/max-channels", new JsonObject().put("value", 1)),
        admin.put("/user-limits/dave/max-connections", new JsonObject().put("value", "many")),
        admin.put("/user-limits/dave/max-connections", new JsonObject().put("value", 1.5))}) {
      assertEquals(400, r.status(), r.body());
      assertEquals("invalid_argument", r.json().getString("error"));
    }
    var unknown = admin.put("/user-limits/nobody/max-connections", new JsonObject().put("value", 1));
    assertEquals(404, unknown.status(), unknown.body());
    assertEquals(404, admin.get("/user-limits/nobody").status());
    assertEquals(new JsonArray(), admin.get("/user-limits/dave").array());
  }
}
