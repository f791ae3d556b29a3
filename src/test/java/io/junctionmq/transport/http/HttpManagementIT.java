package io.junctionmq.transport.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.broker.ClientInfo;
import io.junctionmq.transport.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The management half of the HTTP API against a whole node, with a real HTTP client. */
class HttpManagementIT {
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

  @Test
  void overviewNamesTheNodeAndCountsObjects() {
    var r = api.get("/overview");
    assertEquals(200, r.status(), r.body());
    assertEquals("application/json", r.header("Content-Type"));
    JsonObject o = r.json();
    assertEquals(node.broker().nodeId(), o.getString("node"));
    assertTrue(o.getJsonObject("object_totals").getInteger("exchanges") >= 6);
    assertNotNull(o.getJsonObject("queue_totals").getLong("messages"));
  }

  @Test
  void vhostsAreCreatedShownListedAndDeleted() {
    assertEquals(201, api.put("/vhosts/v1", null).status());
    assertEquals(204, api.put("/vhosts/v1", null).status());
    assertEquals("v1", api.get("/vhosts/v1").json().getString("name"));
    assertEquals("/", api.get("/vhosts/%2F").json().getString("name"));
    JsonArray all = api.get("/vhosts").array();
    assertTrue(all.stream().anyMatch(v -> ((JsonObject) v).getString("name").equals("v1")));
    assertEquals(204, api.delete("/vhosts/v1").status());
    var gone = api.get("/vhosts/v1");
    assertEquals(404, gone.status());
    assertEquals("not_found", gone.json().getString("error"));
  }

  @Test
  void exchangesAreDeclaredShownAndDeleted() {
    var body = new JsonObject().put("type", "topic").put("durable", true).put("auto_delete", false)
        .put("internal", false).put("arguments", new JsonObject());
    assertEquals(201, api.put("/exchanges/%2F/x.mgmt", body).status());
    assertEquals(204, api.put("/exchanges/%2F/x.mgmt", body).status());
    JsonObject x = api.get("/exchanges/%2F/x.mgmt").json();
    assertEquals("topic", x.getString("type"));
    assertEquals("/", x.getString("vhost"));
    assertEquals(false, x.getBoolean("auto_delete"));
    assertTrue(api.get("/exchanges/%2F").array().stream()
        .anyMatch(e -> ((JsonObject) e).getString("name").equals("amq.topic")));
    assertTrue(api.get("/exchanges").array().size() >= 7);
    assertEquals("", api.get("/exchanges/%2F/amq.default").json().getString("name"));

    var redeclare = api.put("/exchanges/%2F/x.mgmt", body.copy().put("type", "fanout"));
    assertEquals(409, redeclare.status());
    assertEquals("precondition_failed", redeclare.json().getString("error"));

    assertEquals(403, api.put("/exchanges/%2F/amq.mine", body).status());
    assertEquals(400, api.put("/exchanges/%2F/x.bad", new JsonObject().put("type", "nope")).status());
    assertEquals(204, api.delete("/exchanges/%2F/x.mgmt").status());
    assertEquals(404, api.get("/exchanges/%2F/x.mgmt").status());
    assertEquals(404, api.get("/exchanges/novhost").status());
  }

  @Test
  void deleteExchangeIfUnusedRefusesABoundExchange() {
    api.put("/exchanges/%2F/x.used", new JsonObject().put("type", "direct"));
    api.put("/queues/%2F/q.used", new JsonObject().put("durable", false));
    assertEquals(201, api.post("/bindings/%2F/e/x.used/q/q.used", new JsonObject().put("routing_key", "k")).status());
    var refused = api.delete("/exchanges/%2F/x.used?if-unused=true");
    assertEquals(412, refused.status(), refused.body());
    assertEquals("in_use", refused.json().getString("error"));
    assertEquals(204, api.delete("/exchanges/%2F/x.used").status());
  }

  @Test
  void queuesAreDeclaredShownWithCountsAndDeleted() {
    assertEquals(201, api.put("/queues/%2F/q.mgmt", new JsonObject().put("durable", true)).status());
    assertEquals(204, api.put("/queues/%2F/q.mgmt", new JsonObject().put("durable", true)).status());
    node.broker().publish("/", new io.junctionmq.model.Message("", "q.mgmt", null, "hi".getBytes()), false).await();
    JsonObject q = api.get("/queues/%2F/q.mgmt").json();
    assertEquals("q.mgmt", q.getString("name"));
    assertEquals(node.broker().nodeId(), q.getString("node"));
    assertEquals(1, q.getLong("messages"));
    assertEquals(1, q.getLong("messages_ready"));
    assertEquals(0, q.getLong("messages_unacknowledged"));
    assertEquals(0, q.getInteger("consumers"));
    assertTrue(q.getBoolean("durable"));
    assertFalse(q.getBoolean("exclusive"));
    assertNotNull(q.getJsonObject("message_stats").getJsonObject("publish_details").getDouble("rate"));

    var redeclare = api.put("/queues/%2F/q.mgmt", new JsonObject().put("durable", false));
    assertEquals(409, redeclare.status());

    var notEmpty = api.delete("/queues/%2F/q.mgmt?if-empty=true");
    assertEquals(412, notEmpty.status(), notEmpty.body());
    assertEquals(204, api.delete("/queues/%2F/q.mgmt/contents").status());
    assertEquals(0, api.get("/queues/%2F/q.mgmt").json().getLong("messages"));
    assertEquals(204, api.delete("/queues/%2F/q.mgmt?if-empty=true&if-unused=true").status());
    assertEquals(404, api.get("/queues/%2F/q.mgmt").status());
    assertEquals(404, api.delete("/queues/%2F/q.mgmt").status());
  }

  @Test
  void queueArgumentsTheCoreDoesNotImplementAreA501() {
    var r = api.put("/queues/%2F/q.prio", new JsonObject().put("arguments", new JsonObject().put("x-max-priority", 5)));
    assertEquals(501, r.status(), r.body());
    assertEquals("not_implemented", r.json().getString("error"));
    var bad = api.put("/queues/%2F/q.prio", new JsonObject().put("arguments", new JsonObject().put("x-nope", 1)));
    assertEquals(400, bad.status(), bad.body());
  }

  @Test
  void bindingsAreCreatedWithALocationListedAndDeletedByPropertiesKey() {
    api.put("/exchanges/%2F/x.b", new JsonObject().put("type", "direct"));
    api.put("/exchanges/%2F/x.b2", new JsonObject().put("type", "fanout"));
    api.put("/queues/%2F/q.b", new JsonObject().put("durable", false));
    var created = api.post("/bindings/%2F/e/x.b/q/q.b", new JsonObject().put("routing_key", "a key"));
    assertEquals(201, created.status(), created.body());
    String location = created.header("Location");
    assertEquals("/api/bindings/%2F/e/x.b/q/q.b/a%2520key", location);

    JsonArray between = api.get("/bindings/%2F/e/x.b/q/q.b").array();
    assertEquals(1, between.size());
    JsonObject b = between.getJsonObject(0);
    assertEquals("x.b", b.getString("source"));
    assertEquals("queue", b.getString("destination_type"));
    assertEquals("a key", b.getString("routing_key"));
    assertEquals("a%20key", b.getString("properties_key"));
    assertEquals("a key", api.get(location.substring(4)).json().getString("routing_key"));
    assertTrue(api.get("/bindings/%2F").array().size() >= 1);
    assertEquals(1, api.get("/queues/%2F/q.b/bindings").array().size());
    assertEquals(1, api.get("/exchanges/%2F/x.b/bindings/source").array().size());

    assertEquals(201, api.post("/bindings/%2F/e/x.b/e/x.b2", new JsonObject()).status());
    assertEquals("~", api.get("/bindings/%2F/e/x.b/e/x.b2").array().getJsonObject(0).getString("properties_key"));
    assertEquals(1, api.get("/exchanges/%2F/x.b2/bindings/destination").array().size());
    assertEquals(204, api.delete("/bindings/%2F/e/x.b/e/x.b2/~").status());

    assertEquals(204, api.delete(location.substring(4)).status());
    assertEquals(0, api.get("/bindings/%2F/e/x.b/q/q.b").array().size());
    assertEquals(404, api.delete(location.substring(4)).status());
    assertEquals(404, api.post("/bindings/%2F/e/x.b/q/q.none", new JsonObject()).status());
    assertEquals(404, api.post("/bindings/%2F/e/x.none/q/q.b", new JsonObject()).status());
  }

  @Test
  void listsArePaginatedLikeRabbitMq() {
    api.put("/vhosts/paged", null);
    for (int i = 0; i < 25; i++) {
      api.put("/queues/paged/q" + (100 + i), new JsonObject().put("durable", false));
    }
    JsonObject page = api.get("/queues/paged?page=2&page_size=10").json();
    assertEquals(2, page.getInteger("page"));
    assertEquals(10, page.getInteger("page_size"));
    assertEquals(3, page.getInteger("page_count"));
    assertEquals(25, page.getInteger("total_count"));
    assertEquals(25, page.getInteger("filtered_count"));
    assertEquals(10, page.getInteger("item_count"));
    assertEquals("q110", page.getJsonArray("items").getJsonObject(0).getString("name"));
    assertEquals(5, api.get("/queues/paged?page=1&name=q12&page_size=10").json().getInteger("filtered_count"));
    assertEquals(400, api.get("/queues/paged?page=9&page_size=10").status());
    assertEquals(400, api.get("/queues/paged?page=x").status());
    assertEquals(25, api.get("/queues/paged").array().size());
    api.delete("/vhosts/paged");
  }

  @Test
  void listsSortByAFieldAndInReverseBeforePaging() {
    api.put("/vhosts/sorted", null);
    for (int i = 0; i < 6; i++) {
      api.put("/queues/sorted/s" + i, new JsonObject().put("durable", false));
      for (int m = 0; m < (i * 7) % 6; m++) {
        api.post("/exchanges/sorted/amq.default/publish", new JsonObject().put("routing_key", "s" + i)
            .put("payload", "x").put("payload_encoding", "string").put("properties", new JsonObject()));
      }
    }
    // messages by queue: s0 0, s1 1, s2 2, s3 3, s4 4, s5 5
    await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/queues/sorted").array().stream()
        .mapToLong(q -> ((JsonObject) q).getLong("messages")).sum() == 15);
    JsonObject byMessages = api.get("/queues/sorted?page=1&page_size=4&sort=messages&sort_reverse=true").json();
    assertEquals(List.of("s5", "s4", "s3", "s2"), names(byMessages.getJsonArray("items")));
    JsonObject second = api.get("/queues/sorted?page=2&page_size=4&sort=messages&sort_reverse=true").json();
    assertEquals(List.of("s1", "s0"), names(second.getJsonArray("items")));
    assertEquals(List.of("s1", "s2", "s3"),
        names(api.get("/queues/sorted?sort=messages&name=s[1-3]&use_regex=true").array()));
    assertEquals(List.of("s5", "s4", "s3", "s2", "s1", "s0"),
        names(api.get("/queues/sorted?sort=name&sort_reverse=true").array()));
    assertEquals("s0", api.get("/queues/sorted?sort=message_stats.publish_details.rate").array()
        .getJsonObject(0).getString("name"));
    assertEquals(400, api.get("/queues/sorted?sort=messages&sort_reverse=maybe").status());
    assertEquals("amq.topic", api.get("/exchanges/sorted?sort=name&sort_reverse=true").array()
        .getJsonObject(0).getString("name"));
    api.delete("/vhosts/sorted");
  }

  private static List<String> names(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  @Test
  void connectionsAndConsumersAreListed() {
    var c = node.broker().connect(ClientInfo.of("test", "test-client", null));
    try {
      JsonArray all = api.get("/connections").array();
      assertTrue(all.stream().anyMatch(x -> ((JsonObject) x).getString("user_provided_name").equals("test-client")));
      assertEquals(200, api.get("/consumers").status());
      assertEquals(200, api.get("/consumers/%2F").status());
      assertEquals(404, api.get("/consumers/novhost").status());
    } finally {
      c.close("the test closed it").await();
    }
  }

  @Test
  void errorsAreJsonWithTheRightStatus() {
    var unknown = api.get("/nothing/here");
    assertEquals(404, unknown.status());
    assertEquals("not_found", unknown.json().getString("error"));

    var method = api.send("PATCH", "/queues/%2F/q", (String) null, Map.of());
    assertEquals(405, method.status(), method.body());
    assertEquals("method_not_allowed", method.json().getString("error"));
    assertEquals("DELETE, GET, PUT", method.header("Allow"));

    var badJson = api.send("PUT", "/queues/%2F/q.json", "{nope", Map.of("Content-Type", "application/json"));
    assertEquals(400, badJson.status());
    assertEquals("invalid_argument", badJson.json().getString("error"));
    assertNotNull(badJson.json().getString("reason"));

    var notObject = api.put("/queues/%2F/q.json", new JsonArray().add(1));
    assertEquals(400, notObject.status());

    var media = api.send("PUT", "/queues/%2F/q.json", "durable", Map.of("Content-Type", "text/plain"));
    assertEquals(415, media.status(), media.body());
    assertEquals("unsupported_media_type", media.json().getString("error"));

    var accept = api.send("GET", "/overview", (String) null, Map.of("Accept", "text/html"));
    assertEquals(406, accept.status(), accept.body());
    assertEquals("not_acceptable", accept.json().getString("error"));

    var badFlag = api.delete("/queues/%2F/q.json?if-empty=maybe");
    assertEquals(400, badFlag.status());
  }

  @Test
  void theOpenApiDocumentIsServed() {
    var r = api.get("/openapi.json");
    assertEquals(200, r.status());
    assertEquals("3.0.3", r.json().getString("openapi"));
    assertTrue(r.json().getJsonObject("paths").containsKey("/queues/{vhost}/{name}/stream"));
  }

  @Test
  void aBodyOverTheLimitIsA413() {
    var big = "x".repeat(17 * 1024 * 1024);
    var r = api.send("POST", "/exchanges/%2F/amq.default/publish", big, Map.of("Content-Type", "text/plain"));
    assertEquals(413, r.status());
    assertEquals("payload_too_large", r.json().getString("error"));
  }
}
