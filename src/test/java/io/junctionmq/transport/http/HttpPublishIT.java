package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Queue;
import io.junctionmq.transport.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Publishing (JSON, raw, NDJSON) and pulling with /get over HTTP. */
class HttpPublishIT {
  static TestNode node;
  static ApiClient api;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = new ApiClient(node.httpUrl() + "/api");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static void queue(String name) {
    node.broker().declareQueue(Queue.durable("/", name)).await();
  }

  private static JsonArray get(String queue, int count, String ackmode) {
    var r = api.post("/queues/%2F/" + queue + "/get", new JsonObject().put("count", count).put("ackmode", ackmode)
        .put("encoding", "auto"));
    assertEquals(200, r.status(), r.body());
    return r.array();
  }

  @Test
  void aJsonPublishIsRoutedAndEveryPropertyComesBackFromGet() {
    queue("p.json");
    var body = new JsonObject()
        .put("routing_key", "p.json")
        .put("payload", "hello")
        .put("payload_encoding", "string")
        .put("properties", new JsonObject()
            .put("delivery_mode", 2).put("content_type", "text/plain").put("message_id", "m1")
            .put("correlation_id", "c1").put("reply_to", "r1").put("expiration", "60000").put("priority", 3)
            .put("timestamp", 1700000000).put("type", "t").put("app_id", "a").put("user_id", "guest")
            .put("headers", new JsonObject().put("h1", "v1").put("n", 5)));
    var r = api.post("/exchanges/%2F/amq.default/publish", body);
    assertEquals(200, r.status(), r.body());
    assertEquals(new JsonObject().put("routed", true), r.json());

    JsonObject m = get("p.json", 1, "ack_requeue_false").getJsonObject(0);
    assertEquals("hello", m.getString("payload"));
    assertEquals("string", m.getString("payload_encoding"));
    assertEquals(5, m.getInteger("payload_bytes"));
    assertEquals("", m.getString("exchange"));
    assertEquals("p.json", m.getString("routing_key"));
    assertFalse(m.getBoolean("redelivered"));
    assertEquals(0, m.getLong("message_count"));
    JsonObject p = m.getJsonObject("properties");
    assertEquals(2, p.getInteger("delivery_mode"));
    assertEquals("text/plain", p.getString("content_type"));
    assertEquals("m1", p.getString("message_id"));
    assertEquals("c1", p.getString("correlation_id"));
    assertEquals("r1", p.getString("reply_to"));
    assertEquals("60000", p.getString("expiration"));
    assertEquals(3, p.getInteger("priority"));
    assertEquals(1700000000L, p.getLong("timestamp"));
    assertEquals("t", p.getString("type"));
    assertEquals("a", p.getString("app_id"));
    assertEquals("guest", p.getString("user_id"));
    assertEquals(new JsonObject().put("h1", "v1").put("n", "5"), p.getJsonObject("headers"));
    assertEquals(0, get("p.json", 1, "ack_requeue_false").size());
  }

  @Test
  void base64PayloadsAndBinaryBodiesRoundTrip() {
    queue("p.b64");
    byte[] bytes = {0, (byte) 0xff, 1, (byte) 0xfe};
    var r = api.post("/exchanges/%2F/amq.default/publish", new JsonObject().put("routing_key", "p.b64")
        .put("payload", java.util.Base64.getEncoder().encodeToString(bytes)).put("payload_encoding", "base64"));
    assertEquals(200, r.status(), r.body());
    JsonObject m = get("p.b64", 1, "ack_requeue_false").getJsonObject(0);
    assertEquals("base64", m.getString("payload_encoding"));
    assertEquals(java.util.Base64.getEncoder().encodeToString(bytes), m.getString("payload"));
    assertEquals(400, api.post("/exchanges/%2F/amq.default/publish", new JsonObject().put("payload", "%%")
        .put("payload_encoding", "base64")).status());
  }

  @Test
  void anUnroutedPublishSaysSoAndAMandatoryOneIsA412() {
    var r = api.post("/exchanges/%2F/amq.direct/publish", new JsonObject().put("routing_key", "nowhere").put("payload", "x"));
    assertEquals(200, r.status());
    assertEquals(false, r.json().getBoolean("routed"));
    var m = api.post("/exchanges/%2F/amq.direct/publish", new JsonObject().put("routing_key", "nowhere")
        .put("payload", "x").put("mandatory", true));
    assertEquals(412, m.status(), m.body());
    assertEquals("no_route", m.json().getString("error"));
  }

  @Test
  void publishingToAnUnknownExchangeOrVhostIsA404AndBadPropertiesA400() {
    assertEquals(404, api.post("/exchanges/%2F/x.none/publish", new JsonObject().put("payload", "x")).status());
    assertEquals(404, api.post("/exchanges/novhost/amq.direct/publish", new JsonObject().put("payload", "x")).status());
    var bad = api.post("/exchanges/%2F/amq.direct/publish", new JsonObject().put("payload", "x")
        .put("properties", new JsonObject().put("delivery_mode", 7)));
    assertEquals(400, bad.status());
    assertTrue(bad.json().getString("reason").contains("delivery_mode"), bad.body());
    assertEquals(400, api.post("/exchanges/%2F/amq.direct/publish", new JsonObject().put("payload", 5)).status());
  }

  @Test
  void aBadPriorityOrExpirationIsA400WithTheReasonStompGives() {
    var cases = Map.of(
        "priority", List.of("256", "priority must be from 0 to 255, got 256"),
        "expiration", List.of("-1", "expiration must be a whole number of milliseconds from 0 to 2147483647, got '-1'"),
        "timestamp", List.of("-1", "timestamp must not be negative, got -1"));
    for (var bad : cases.entrySet()) {
      String name = bad.getKey();
      String value = bad.getValue().get(0);
      var json = api.post("/exchanges/%2F/amq.topic/publish", new JsonObject().put("payload", "x")
          .put("properties", new JsonObject().put(name, name.equals("expiration") ? value : Integer.parseInt(value))));
      var raw = api.sendBody("POST", "/exchanges/%2F/amq.topic/publish", HttpRequest.BodyPublishers.ofString("x"),
          Map.of("Content-Type", "text/plain", "X-" + Character.toUpperCase(name.charAt(0)) + name.substring(1), value));
      for (var r : List.of(json, raw)) {
        assertEquals(400, r.status(), r.body());
        assertEquals("invalid_argument", r.json().getString("error"), r.body());
        assertEquals(bad.getValue().get(1), r.json().getString("reason"), r.body());
      }
    }
  }

  @Test
  void aRawBodyIsThePayloadWithPropertiesFromQueryAndHeaders() {
    queue("p.raw");
    byte[] payload = "line one\nline two\u0000end".getBytes(StandardCharsets.UTF_8);
    var r = api.sendBody("POST", "/exchanges/%2F/amq.default/publish?routing_key=p.raw&persistent=true",
        HttpRequest.BodyPublishers.ofByteArray(payload), Map.of(
            "Content-Type", "application/octet-stream", "X-Correlation-Id", "corr", "X-Reply-To", "back",
            "X-Priority", "4", "X-Header-Tenant", "acme", "Idempotency-Key", "idem-1"));
    assertEquals(200, r.status(), r.body());
    assertTrue(r.json().getBoolean("routed"));
    JsonObject m = get("p.raw", 1, "ack_requeue_false").getJsonObject(0);
    assertEquals(new String(payload, StandardCharsets.UTF_8), m.getString("payload"));
    JsonObject p = m.getJsonObject("properties");
    assertEquals(2, p.getInteger("delivery_mode"));
    assertEquals("application/octet-stream", p.getString("content_type"));
    assertEquals("idem-1", p.getString("message_id"));
    assertEquals("corr", p.getString("correlation_id"));
    assertEquals("back", p.getString("reply_to"));
    assertEquals(4, p.getInteger("priority"));
    // HTTP header names are case-insensitive; the JDK client sends them in lower case.
    assertEquals(Map.of("tenant", "acme"), lowerKeys(p.getJsonObject("headers")));
  }

  private static Map<String, Object> lowerKeys(JsonObject o) {
    var out = new java.util.HashMap<String, Object>();
    o.forEach(e -> out.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
    return out;
  }

  @Test
  void getRequeuesOrRemovesAsTheAckModeSays() {
    queue("p.get");
    for (int i = 0; i < 3; i++) {
      api.post("/exchanges/%2F/amq.default/publish", new JsonObject().put("routing_key", "p.get").put("payload", "m" + i));
    }
    JsonArray peek = get("p.get", 2, "ack_requeue_true");
    assertEquals(2, peek.size());
    assertEquals("m0", peek.getJsonObject(0).getString("payload"));
    assertEquals(2, peek.getJsonObject(0).getLong("message_count"));
    JsonObject info = api.get("/queues/%2F/p.get").json();
    assertEquals(3, info.getLong("messages_ready"));
    assertEquals(0, info.getLong("messages_unacknowledged"));

    JsonArray again = get("p.get", 5, "reject_requeue_false");
    assertEquals(3, again.size());
    assertTrue(again.getJsonObject(0).getBoolean("redelivered"));
    assertEquals(0, api.get("/queues/%2F/p.get").json().getLong("messages"));
    assertEquals(0, get("p.get", 1, "ack_requeue_false").size());

    var truncated = api.post("/exchanges/%2F/amq.default/publish", new JsonObject().put("routing_key", "p.get")
        .put("payload", "abcdef"));
    assertEquals(200, truncated.status());
    var t = api.post("/queues/%2F/p.get/get", new JsonObject().put("count", 1).put("ackmode", "ack_requeue_false")
        .put("encoding", "base64").put("truncate", 3)).array().getJsonObject(0);
    assertEquals("YWJj", t.getString("payload"));
    assertEquals(6, t.getInteger("payload_bytes"));
  }

  @Test
  void getChecksItsArguments() {
    queue("p.getargs");
    assertEquals(400, api.post("/queues/%2F/p.getargs/get", new JsonObject().put("count", 1)).status());
    assertEquals(400, api.post("/queues/%2F/p.getargs/get", new JsonObject().put("count", 0)
        .put("ackmode", "ack_requeue_true")).status());
    assertEquals(404, api.post("/queues/%2F/p.none/get", new JsonObject().put("count", 1)
        .put("ackmode", "ack_requeue_true")).status());
  }

  @Test
  void anNdjsonPublishAnswersEveryLineInOrderAndAMalformedLineFailsAlone() {
    queue("p.nd");
    String body = "{\"routing_key\":\"p.nd\",\"payload\":\"a\"}\n"
        + "{not json\n"
        + "\n"
        + "{\"routing_key\":\"nowhere\",\"payload\":\"b\"}\n"
        + "{\"routing_key\":\"p.nd\",\"payload\":\"c\",\"properties\":{\"delivery_mode\":2}}";
    var r = api.send("POST", "/exchanges/%2F/amq.default/publish", body, Map.of("Content-Type", "application/x-ndjson"));
    assertEquals(200, r.status(), r.body());
    assertEquals("application/x-ndjson", r.header("Content-Type"));
    String[] lines = r.body().split("\n");
    assertEquals(5, lines.length, r.body());
    assertEquals(new JsonObject().put("line", 1).put("routed", true), new JsonObject(lines[0]));
    JsonObject bad = new JsonObject(lines[1]);
    assertEquals(2, bad.getInteger("line"));
    assertEquals("invalid_argument", bad.getString("error"));
    assertEquals(new JsonObject().put("line", 4).put("routed", false), new JsonObject(lines[2]));
    assertEquals(new JsonObject().put("line", 5).put("routed", true), new JsonObject(lines[3]));
    JsonObject done = new JsonObject(lines[4]);
    assertTrue(done.getBoolean("done"));
    assertEquals(1, done.getInteger("errors"));
    assertEquals(2, done.getInteger("routed"));
    assertEquals(2, api.get("/queues/%2F/p.nd").json().getLong("messages"));
  }

  /** Lines read from their bytes and lines read through a JsonObject (escapes, line breaks) mix in one upload. */
  @Test
  void anNdjsonUploadMixesUsualAndUnusualLinesAndABadPayloadFailsAlone() {
    queue("p.mix");
    String body = "{\"routing_key\":\"p.mix\",\"payload\":\"aGVsbG8=\",\"payload_encoding\":\"base64\"}\n"
        + "{\"routing_key\":\"p.mix\",\"payload\":\"say \\\"hi\\\"\"}\n"
        + "{\"routing_key\":\"p.mix\",\"payload\":\"not base64!\",\"payload_encoding\":\"base64\"}\n"
        + "{\"routing_key\":\"p.mix\",\"payload\":\"aGVs\\nbG8=\",\"payload_encoding\":\"base64\"}\n"
        + "{\"routing_key\":\"p.mix\",\"payload\":\"caf\u00e9\"}\n";
    var r = api.send("POST", "/exchanges/%2F/amq.default/publish", body, Map.of("Content-Type", "application/x-ndjson"));
    assertEquals(200, r.status(), r.body());
    String[] lines = r.body().split("\n");
    assertEquals(6, lines.length, r.body());
    JsonObject bad = new JsonObject(lines[2]);
    assertEquals(3, bad.getInteger("line"));
    assertEquals("invalid_argument", bad.getString("error"));
    assertEquals(1, new JsonObject(lines[5]).getInteger("errors"));
    var payloads = get("p.mix", 10, "ack_requeue_false").stream()
        .map(m -> ((JsonObject) m).getString("payload")).toList();
    assertEquals(java.util.List.of("hello", "say \"hi\"", "hello", "caf\u00e9"), payloads);
  }

  @Test
  void anNdjsonPublishToAnUnknownExchangeIsA404() {
    var r = api.send("POST", "/exchanges/%2F/x.none/publish", "{}\n", Map.of("Content-Type", "application/x-ndjson"));
    assertEquals(404, r.status(), r.body());
    assertEquals("not_found", r.json().getString("error"));
  }
}
