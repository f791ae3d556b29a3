package io.junctionmq.transport.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.junctionmq.definitions.Fixtures;
import io.junctionmq.transport.TestNode;
import io.junctionmq.transport.stomp.RawStompClient;
import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RabbitMQ's definitions on a real node: a RabbitMQ 3.10.8 export (src/test/resources/definitions)
 * imported with curl, its users logging in with their RabbitMQ passwords over STOMP and HTTP;
 * Junction's export re-imported into a fresh node; bad documents refused whole; and the
 * {@code definitions.file} read at start.
 */
class DefinitionsIT {
  @TempDir
  static Path dir;
  private static TestNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(Map.of("auth.failure-delay", "10ms"));
    api = new ApiClient(node.httpUrl() + "/api");
    Path file = dir.resolve("rabbitmq.json");
    Files.writeString(file, Fixtures.text(Fixtures.RABBITMQ));
    // guest: the anonymous administrator from loopback.
    String out = curl("-u", "guest:guest", "-H", "Content-Type: application/json", "--data-binary", "@" + file,
        "-w", "%{http_code}", node.httpUrl() + "/api/definitions");
    assertEquals("204", out);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void importedUsersLogInWithTheirRabbitMqPasswordsAndHaveExactlyTheirPermissions() throws IOException {
    // alice (monitoring; configure, write, read ^orders.* in shop)
    assertEquals("alice", as("alice", "alice-secret", "GET", "/whoami", null).json().getString("name"));
    assertEquals(401, as("alice", "bob-secret", "GET", "/whoami", null).status());
    assertEquals(200, as("alice", "alice-secret", "POST", "/exchanges/shop/orders/publish", publish("created")).status());
    assertEquals(403, as("alice", "alice-secret", "POST", "/exchanges/shop/events/publish", publish("user.x")).status());
    assertEquals(403, as("alice", "alice-secret", "GET", "/definitions", null).status(), "administrators only");
    assertStomp("alice", "alice-secret", "/exchange/orders/created", StompCommand.RECEIPT);
    assertStomp("alice", "alice-secret", "/exchange/events/user.x", StompCommand.ERROR);
    // bob (no tags; write ^events$ with topic keys ^user\., read ^audit.*)
    assertEquals("bob", as("bob", "bob-secret", "GET", "/whoami", null).json().getString("name"));
    assertEquals(403, as("bob", "bob-secret", "GET", "/queues/shop", null).status(), "no management tag");
    assertStomp("bob", "bob-secret", "/exchange/events/user.created", StompCommand.RECEIPT);
    assertStomp("bob", "bob-secret", "/exchange/events/order.created", StompCommand.ERROR);
    assertStomp("bob", "wrong", "/exchange/events/user.created", StompCommand.ERROR);
    // admin (administrator)
    assertEquals(200, as("admin", "admin-secret", "GET", "/definitions", null).status());
    node.broker().declareVhost("elsewhere-" + System.nanoTime()).await();
    String elsewhere = node.broker().vhosts().stream().filter(v -> v.startsWith("elsewhere-")).findFirst().orElseThrow();
    assertEquals(403, as("admin", "admin-secret", "POST", "/exchanges/" + elsewhere + "/amq.fanout/publish",
        publish("x")).status(), "admin has no permissions in a vhost the file did not name");
    // The messages went through the imported bindings: orders -> orders.created, events (user.#) -> audit.user.
    await().atMost(Duration.ofSeconds(10)).until(() -> messages("orders.created") == 2 && messages("audit.user") == 1);
  }

  @Test
  void importedQueuesAndExchangesKeepTheirArguments() {
    assertEquals(new JsonObject().put("x-dead-letter-exchange", "dlx").put("x-max-length", 1000)
        .put("x-message-ttl", 60000), api.get("/queues/shop/orders.created").json().getJsonObject("arguments"));
    var broadcast = api.get("/exchanges/shop/broadcast").json();
    assertEquals("fanout", broadcast.getString("type"));
    assertEquals("unrouted", broadcast.getJsonObject("arguments").getString("alternate-exchange"));
    var bindings = api.get("/bindings/shop/e/by-header/q/audit.pdf").array();
    assertEquals("all", bindings.getJsonObject(0).getJsonObject("arguments").getString("x-match"), bindings.encode());
  }

  @Test
  void junctionsExportImportedIntoAFreshNodeGivesTheSameExport() {
    JsonObject all = api.get("/definitions").json();
    JsonObject shop = api.get("/definitions/shop").json();
    assertEquals(5, shop.getJsonArray("queues").size(), shop.encode());
    try (TestNode fresh = TestNode.start(Map.of("auth.failure-delay", "10ms"))) {
      var other = new ApiClient(fresh.httpUrl() + "/api");
      fresh.broker().declareVhost("shop").await();
      assertEquals(204, other.post("/definitions/shop", shop).status());
      assertEquals(unordered(shop), unordered(other.get("/definitions/shop").json()));
      var r = other.post("/definitions", all);
      assertEquals(204, r.status(), r.body());
      assertEquals(unordered(all), unordered(other.get("/definitions").json()));
      assertEquals(204, other.post("/definitions", all).status(), "a second import changes nothing");
      assertEquals(unordered(all), unordered(other.get("/definitions").json()));
    }
  }

  @Test
  void aBadDocumentIsA400NamingTheFieldAndNothingOfItIsApplied() {
    JsonObject before = api.get("/definitions").json();
    JsonObject base = Fixtures.json(Fixtures.RABBITMQ);
    // Each document also brings a new user, vhost and queue, which must not appear.
    base.getJsonArray("users").add(new JsonObject().put("name", "mallory").put("password_hash", "")
        .put("tags", new JsonArray()));
    base.getJsonArray("vhosts").add(new JsonObject().put("name", "elsewhere"));
    base.getJsonArray("queues").add(new JsonObject().put("name", "new.q").put("vhost", "/").put("durable", true));

    var unknown = base.copy().put("shovels", new JsonArray());
    var wrongType = base.copy();
    wrongType.getJsonArray("exchanges").getJsonObject(1).put("durable", "yes");
    var brokenBinding = base.copy();
    brokenBinding.getJsonArray("bindings").add(new JsonObject().put("source", "orders").put("vhost", "shop")
        .put("destination", "missing.q").put("destination_type", "queue").put("routing_key", "k"));
    var conflicting = base.copy();
    conflicting.getJsonArray("queues").getJsonObject(0).getJsonObject("arguments").put("x-max-length", 7);
    var policy = base.copy().put("policies", new JsonArray().add(new JsonObject().put("name", "p")));
    for (var bad : List.of(
        Map.entry(unknown, "'shovels' is not a known field"),
        Map.entry(wrongType, "'exchanges[1].durable' must be true or false, got \"yes\""),
        Map.entry(brokenBinding, "'bindings[5].destination' names queue 'missing.q' in vhost 'shop', which is neither"),
        Map.entry(conflicting, "'queues[0]' redeclares queue 'orders.dead' in vhost 'shop' with other attributes than the broker's"),
        Map.entry(policy, "'policies[0]' is a policy: policies are not supported yet"))) {
      var r = api.post("/definitions", bad.getKey());
      assertEquals(400, r.status(), r.body());
      assertEquals("invalid_argument", r.json().getString("error"));
      assertTrue(r.json().getString("reason").startsWith("definitions: " + bad.getValue()), r.body());
    }
    assertEquals(unordered(before), unordered(api.get("/definitions").json()));
    assertEquals(404, api.get("/users/mallory").status());
    assertEquals(404, api.post("/definitions/nowhere", new JsonObject()).status());
  }

  @Test
  void theDefinitionsFileIsImportedAtStartAndABrokenOneFailsTheStartNamingTheField() throws IOException {
    Path good = dir.resolve("start.json");
    Files.writeString(good, Fixtures.text(Fixtures.RABBITMQCTL));
    try (TestNode started = TestNode.start(Map.of("definitions.file", good.toString()))) {
      assertTrue(started.broker().vhosts().contains("shop"));
      assertTrue(started.broker().users().user("alice").isPresent());
      assertEquals(6, started.broker().exchanges("shop").stream().filter(e -> !e.name().startsWith("amq.")
          && !e.name().isEmpty()).count());
    }
    var broken = Fixtures.json(Fixtures.RABBITMQCTL);
    broken.getJsonArray("queues").getJsonObject(2).put("auto_delete", 0);
    Path bad = dir.resolve("broken.json");
    Files.writeString(bad, broken.encode());
    var e = assertThrows(IllegalStateException.class, () -> TestNode.start(Map.of("definitions.file", bad.toString())));
    String messages = causes(e);
    assertTrue(messages.contains("definitions.file " + bad + ": definitions: 'queues[2].auto_delete' must be true or "
        + "false, got 0"), messages);
  }

  private static String causes(Throwable e) {
    var b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append(" | ");
    }
    return b.toString();
  }

  private static long messages(String queue) {
    return api.get("/queues/shop/" + queue).json().getLong("messages");
  }

  private static JsonObject publish(String routingKey) {
    return new JsonObject().put("routing_key", routingKey).put("payload", "hi").put("properties", new JsonObject());
  }

  private static ApiClient.Response as(String user, String password, String method, String path, Object body) {
    return api.send(method, path, body == null ? null : body.toString(), Map.of("Authorization", "Basic "
        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)),
        "Content-Type", "application/json"));
  }

  /** Logs in to vhost shop over STOMP and sends to {@code destination} with a receipt: the first answer after CONNECTED. */
  private static void assertStomp(String user, String passcode, String destination, StompCommand expected)
      throws IOException {
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.send(StompFrame.builder(StompCommand.CONNECT).header("accept-version", "1.2").header("host", "shop")
          .header("login", user).header("passcode", passcode).header("heart-beat", "0,0").build());
      StompFrame connected = c.receive(Duration.ofSeconds(10));
      if (connected.command() != StompCommand.CONNECTED) {
        assertEquals(expected, connected.command(), user + " login: " + connected);
        return;
      }
      c.send(StompFrame.builder(StompCommand.SEND).header("destination", destination).header("receipt", "r")
          .body("hi".getBytes(StandardCharsets.UTF_8)).build());
      StompFrame answer = c.receive(Duration.ofSeconds(10));
      assertEquals(expected, answer.command(), user + " " + destination + ": " + answer);
    }
  }

  /** The same definitions whatever the order of each list. */
  private static Map<String, Object> unordered(JsonObject doc) {
    var m = new TreeMap<String, Object>();
    doc.forEach(e -> m.put(e.getKey(), e.getValue() instanceof JsonArray a ? asSet(a) : e.getValue()));
    return m;
  }

  private static Set<String> asSet(JsonArray a) {
    var s = new HashSet<String>();
    a.forEach(o -> s.add(o instanceof JsonObject j ? new JsonObject(new TreeMap<>(j.getMap())).encode()
        : String.valueOf(o)));
    return s;
  }

  /** Runs curl with {@code args}; returns its stdout. Skips without curl (fails in CI). */
  private static String curl(String... args) throws IOException, InterruptedException {
    boolean present = Files.isExecutable(Path.of("/usr/bin/curl")) || Files.isExecutable(Path.of("/bin/curl"));
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("curl is not installed: CI must have it");
    }
    assumeTrue(present, "curl is not installed: skipped");
    var command = new java.util.ArrayList<>(List.of("curl", "-sS"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "curl", ".out");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("curl did not finish: " + command);
    }
    String output = Files.readString(out);
    assertEquals(0, p.exitValue(), "curl " + command + ":\n" + output);
    return output;
  }
}
