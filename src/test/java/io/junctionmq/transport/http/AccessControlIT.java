package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.transport.TestNode;
import io.junctionmq.transport.stomp.RawStompClient;
import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompDecoder;
import io.junctionmq.transport.stomp.StompEncoder;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who may do what, over HTTP and STOMP, on a real node: a user confined by RabbitMQ's
 * permissions ({@code bob}: configure {@code ^bob\.}, write and read {@code bob.*} and a few
 * exchanges, topic keys {@code user.bob.*} on {@code amq.topic}), a user without tags, and the
 * administrator {@code guest} (anonymous, from loopback) that sets them up.
 */
class AccessControlIT {
  private static TestNode node;
  private static ApiClient admin;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("auth.failure-delay", "10ms"));
    admin = new ApiClient(node.httpUrl() + "/api");
    api = new ApiClient(node.httpUrl() + "/api");
    user("bob", "s3cret", "management");
    permissions("bob", "^bob\\.", "^(bob\\..*|amq\\.default|amq\\.topic)$", "^(bob\\..*|amq\\.topic)$");
    assertEquals(201, admin.put("/topic-permissions/%2F/bob", new JsonObject().put("exchange", "amq.topic")
        .put("write", "^user\\.{username}\\.").put("read", "^user\\.{username}\\.")).status());
    user("plain", "pl4in", "");
    permissions("plain", ".*", ".*", ".*");
    node.broker().declareQueue(Queue.durable("/", "alice.q")).await();
    node.broker().publish("/", new Message("", "alice.q", MessageProperties.PERSISTENT, new byte[] {1}), true).await();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static void user(String name, String password, String tags) {
    var r = admin.put("/users/" + name, new JsonObject().put("password", password).put("tags", tags));
    assertEquals(201, r.status(), r.body());
  }

  private static void permissions(String user, String configure, String write, String read) {
    var r = admin.put("/permissions/%2F/" + user, new JsonObject().put("configure", configure).put("write", write)
        .put("read", read));
    assertEquals(201, r.status(), r.body());
  }

  private static Map<String, String> basic(String user, String password) {
    return Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8)), "Content-Type", "application/json");
  }

  private static ApiClient.Response as(String user, String password, String method, String path, Object body) {
    return api.send(method, path, body == null ? null : body.toString(), basic(user, password));
  }

  private static ApiClient.Response bob(String method, String path, Object body) {
    return as("bob", "s3cret", method, path, body);
  }

  private static void refused(ApiClient.Response r) {
    assertEquals(403, r.status(), r.body());
    assertEquals("access_refused", r.json().getString("error"), r.body());
  }

  private static JsonObject publish(String routingKey) {
    return new JsonObject().put("routing_key", routingKey).put("payload", "hi");
  }

  @Test
  void wrongCredentialsAreA401WithAChallenge() {
    for (var r : new ApiClient.Response[] {as("bob", "nope", "GET", "/whoami", null),
        as("nobody", "x", "GET", "/whoami", null),
        api.send("GET", "/whoami", null, Map.of("Authorization", "Basic !!!"))}) {
      assertEquals(401, r.status(), r.body());
      assertEquals("Basic realm=\"Junction\"", r.header("WWW-Authenticate"));
      assertEquals("access_refused", r.json().getString("error"));
    }
    var token = api.send("GET", "/whoami", null, Map.of("Authorization", "Bearer abc"));
    assertEquals(401, token.status(), token.body());
    assertEquals("Bearer realm=\"Junction\", error=\"invalid_token\"", token.header("WWW-Authenticate"));
    assertEquals("login refused: tokens are not accepted (auth.jwt.keys and auth.jwt.jwks-url are empty)",
        token.json().getString("reason"));
  }

  @Test
  void whoamiNamesTheUserAndItsTags() {
    var me = bob("GET", "/whoami", null).json();
    assertEquals("bob", me.getString("name"));
    assertEquals(new JsonArray().add("management"), me.getJsonArray("tags"));
    assertEquals("guest", admin.get("/whoami").json().getString("name"), "no credentials from loopback: guest");
  }

  @Test
  void declaringAndDeletingNeedConfigureOnTheName() {
    assertEquals(201, bob("PUT", "/queues/%2F/bob.declared", new JsonObject()).status());
    refused(bob("PUT", "/queues/%2F/alice.declared", new JsonObject()));
    refused(bob("DELETE", "/queues/%2F/alice.q", null));
    refused(bob("PUT", "/exchanges/%2F/alice.x", new JsonObject().put("type", "direct")));
    assertEquals(204, bob("DELETE", "/queues/%2F/bob.declared", null).status());
  }

  @Test
  void publishingNeedsWriteOnTheExchangeAndTopicWriteOnTheKey() {
    assertEquals(201, bob("PUT", "/queues/%2F/bob.inbox", new JsonObject()).status());
    assertEquals(200, bob("POST", "/exchanges/%2F/amq.default/publish", publish("bob.inbox")).status());
    refused(bob("POST", "/exchanges/%2F/amq.fanout/publish", publish("x")));
    assertEquals(200, bob("POST", "/exchanges/%2F/amq.topic/publish", publish("user.bob.x")).status());
    var other = bob("POST", "/exchanges/%2F/amq.topic/publish", publish("user.alice.x"));
    refused(other);
    assertTrue(other.json().getString("reason").contains("topic 'user.alice.x'"), other.body());
  }

  @Test
  void aMessageMustNotClaimAnotherUser() {
    assertEquals(201, bob("PUT", "/queues/%2F/bob.claims", new JsonObject()).status());
    var r = bob("POST", "/exchanges/%2F/amq.default/publish", publish("bob.claims")
        .put("properties", new JsonObject().put("user_id", "mallory")));
    assertEquals("precondition_failed", r.json().getString("error"), r.body());
    assertEquals(200, bob("POST", "/exchanges/%2F/amq.default/publish", publish("bob.claims")
        .put("properties", new JsonObject().put("user_id", "bob"))).status());
  }

  @Test
  void bindingNeedsWriteOnTheQueueReadOnTheExchangeAndTopicReadOnTheKey() {
    assertEquals(201, bob("PUT", "/queues/%2F/bob.bound", new JsonObject()).status());
    assertEquals(201, bob("POST", "/bindings/%2F/e/amq.topic/q/bob.bound",
        new JsonObject().put("routing_key", "user.bob.#")).status());
    refused(bob("POST", "/bindings/%2F/e/amq.topic/q/bob.bound", new JsonObject().put("routing_key", "user.alice.#")));
    refused(bob("POST", "/bindings/%2F/e/amq.topic/q/alice.q", new JsonObject().put("routing_key", "user.bob.#")));
    refused(bob("POST", "/bindings/%2F/e/amq.direct/q/bob.bound", new JsonObject().put("routing_key", "k")));
  }

  @Test
  void gettingConsumingAndPurgingNeedReadOnTheQueue() {
    assertEquals(201, bob("PUT", "/queues/%2F/bob.read", new JsonObject()).status());
    assertEquals(200, bob("POST", "/exchanges/%2F/amq.default/publish", publish("bob.read")).status());
    var got = bob("POST", "/queues/%2F/bob.read/get", new JsonObject().put("count", 1).put("ackmode", "ack_requeue_false"));
    assertEquals(200, got.status(), got.body());
    assertEquals(1, got.array().size());
    refused(bob("POST", "/queues/%2F/alice.q/get", new JsonObject().put("count", 1).put("ackmode", "ack_requeue_true")));
    refused(bob("DELETE", "/queues/%2F/alice.q/contents", null));
    refused(api.send("GET", "/queues/%2F/alice.q/stream?ack=auto", null, Map.of("Authorization",
        basic("bob", "s3cret").get("Authorization"), "Accept", "application/x-ndjson")));
    assertEquals(1, admin.get("/queues/%2F/alice.q").json().getLong("messages_ready"), "nothing was taken");
  }

  @Test
  void theManagementRoutesNeedATagAndUsersNeedAdministrator() {
    refused(as("plain", "pl4in", "GET", "/queues", null));
    assertEquals(200, as("plain", "pl4in", "POST", "/exchanges/%2F/amq.default/publish", publish("nowhere")).status(),
        "messaging needs no tag");
    assertEquals(200, bob("GET", "/queues", null).status());
    refused(bob("GET", "/users", null));
    refused(bob("PUT", "/permissions/%2F/bob", new JsonObject().put("configure", ".*").put("write", ".*")
        .put("read", ".*")));
    refused(bob("PUT", "/vhosts/bobs", new JsonObject()));
  }

  @Test
  void aPermissionThatDoesNotCompileIsA400() {
    var r = admin.put("/permissions/%2F/plain", new JsonObject().put("configure", "a(b").put("write", ".*")
        .put("read", ".*"));
    assertEquals(400, r.status(), r.body());
    assertEquals("invalid_argument", r.json().getString("error"));
  }

  @Test
  void aStompLoginIsCheckedAndSoIsEveryFrame() throws IOException {
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.send(connect("bob", "nope"));
      StompFrame error = c.receive(Duration.ofSeconds(10));
      assertEquals(StompCommand.ERROR, error.command());
      assertEquals("access_refused", error.header("code"));
    }
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.send(connect("bob", "s3cret"));
      assertEquals(StompCommand.CONNECTED, c.receive(Duration.ofSeconds(10)).command());
      c.send(StompFrame.builder(StompCommand.SUBSCRIBE).header("id", "0").header("destination", "/queue/bob.stomp")
          .header("receipt", "r0").build());
      assertEquals(StompCommand.RECEIPT, c.receive(Duration.ofSeconds(10)).command());
      c.send(StompFrame.builder(StompCommand.SEND).header("destination", "/exchange/amq.fanout/x").header("receipt", "r1")
          .body("x".getBytes(StandardCharsets.UTF_8)).build());
      StompFrame refused = c.receive(Duration.ofSeconds(10));
      assertEquals(StompCommand.ERROR, refused.command());
      assertEquals("access_refused", refused.header("code"));
    }
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.send(connect("bob", "s3cret"));
      assertEquals(StompCommand.CONNECTED, c.receive(Duration.ofSeconds(10)).command());
      c.send(StompFrame.builder(StompCommand.SUBSCRIBE).header("id", "1").header("destination", "/amq/queue/alice.q")
          .build());
      assertEquals("access_refused", c.receive(Duration.ofSeconds(10)).header("code"));
    }
  }

  @Test
  void overWebSocketTheLoginAndEveryFrameAreCheckedAsOverTcp() throws Exception {
    var frames = new LinkedBlockingQueue<StompFrame>();
    WebSocket wrong = stompWebSocket(frames);
    wrong.writeTextMessage(new String(StompEncoder.encode(connect("bob", "nope")), StandardCharsets.UTF_8))
        .await(10, TimeUnit.SECONDS);
    StompFrame error = frames.poll(10, TimeUnit.SECONDS);
    assertEquals(StompCommand.ERROR, error.command());
    assertEquals("access_refused", error.header("code"));

    frames.clear();
    WebSocket ws = stompWebSocket(frames);
    ws.writeTextMessage(new String(StompEncoder.encode(connect("bob", "s3cret")), StandardCharsets.UTF_8))
        .await(10, TimeUnit.SECONDS);
    assertEquals(StompCommand.CONNECTED, frames.poll(10, TimeUnit.SECONDS).command());
    ws.writeTextMessage("SEND\ndestination:/exchange/amq.fanout/x\nreceipt:r1\n\nx\0").await(10, TimeUnit.SECONDS);
    StompFrame refused = frames.poll(10, TimeUnit.SECONDS);
    assertEquals(StompCommand.ERROR, refused.command());
    assertEquals("access_refused", refused.header("code"));
  }

  /** A STOMP-over-WebSocket connection to {@code /ws} whose frames go to {@code frames}. */
  private static WebSocket stompWebSocket(LinkedBlockingQueue<StompFrame> frames) throws Exception {
    var options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.httpPort()).setURI("/ws")
        .setSubProtocols(List.of("v12.stomp"));
    WebSocket ws = node.vertx().createWebSocketClient().connect(options).await(10, TimeUnit.SECONDS);
    var decoder = new StompDecoder(1 << 20, 1 << 16);
    ws.handler(b -> {
      try {
        decoder.feed(b.getBytes(), frames::add);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    return ws;
  }

  @Test
  void aDeletedUsersConnectionsClose() throws IOException {
    user("temp", "t3mp", "");
    permissions("temp", ".*", ".*", ".*");
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.send(connect("temp", "t3mp"));
      assertEquals(StompCommand.CONNECTED, c.receive(Duration.ofSeconds(10)).command());
      assertEquals(204, admin.delete("/users/temp").status());
      StompFrame error = c.receive(Duration.ofSeconds(10));
      assertEquals(StompCommand.ERROR, error.command());
      assertTrue(error.header("message").contains("'temp' was deleted"), error.header("message"));
    }
    assertEquals(401, as("temp", "t3mp", "GET", "/whoami", null).status());
  }

  private static StompFrame connect(String login, String passcode) {
    return StompFrame.builder(StompCommand.CONNECT).header("accept-version", "1.2").header("host", "/")
        .header("login", login).header("passcode", passcode).header("heart-beat", "0,0").build();
  }
}
