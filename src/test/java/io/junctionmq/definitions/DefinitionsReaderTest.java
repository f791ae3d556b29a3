package io.junctionmq.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Queue;
import io.junctionmq.security.Passwords;
import io.junctionmq.security.Permission;
import io.junctionmq.security.TopicPermission;
import io.junctionmq.security.UserLimits;
import io.junctionmq.security.VhostLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class DefinitionsReaderTest {

  @Test
  void rabbitMqsExportIsReadUnchanged() {
    Definitions d = DefinitionsReader.read(Fixtures.json(Fixtures.RABBITMQ));
    assertEquals(Map.of("users", 3, "vhosts", 2, "permissions", 4, "topic_permissions", 1, "vhost_limits", 1,
        "exchanges", 6, "queues", 6, "bindings", 5), d.counts());
    var alice = d.users().stream().filter(u -> u.name().equals("alice")).findFirst().orElseThrow();
    assertEquals(Passwords.RABBIT_SHA256, alice.hashingAlgorithm());
    assertTrue(Passwords.verify(alice, "alice-secret"), "the hash RabbitMQ wrote checks alice's password");
    assertEquals(List.of("monitoring"), alice.tags());
    assertEquals(List.of(new UserLimits("alice", 10)), d.userLimits());
    assertTrue(d.permissions().contains(new Permission("bob", "shop", "", "^events$", "^audit.*")));
    assertEquals(List.of(new TopicPermission("bob", "shop", "events", "^user\\.", ".*")), d.topicPermissions());
    assertEquals(List.of(new VhostLimits("shop", 100, 50)), d.vhostLimits());
    assertTrue(d.queues().contains(new Queue("shop", "orders.created", true, false, false, Map.of(
        "x-dead-letter-exchange", "dlx", "x-max-length", 1000, "x-message-ttl", 60000))));
    assertTrue(d.exchanges().contains(new Exchange("shop", "broadcast", ExchangeType.FANOUT, true, false, false,
        Map.of("alternate-exchange", "unrouted"))));
    assertTrue(d.bindings().contains(new Binding("shop", "by-header", Binding.DestinationType.QUEUE, "audit.pdf", "",
        Map.of("x-match", "all", "format", "pdf"))));
  }

  @Test
  void rabbitmqctlsExportOfTheSameBrokerReadsTheSame() {
    Definitions http = DefinitionsReader.read(Fixtures.json(Fixtures.RABBITMQ));
    Definitions ctl = DefinitionsReader.read(Fixtures.json(Fixtures.RABBITMQCTL));
    assertEquals(set(http.users()), set(ctl.users()));
    assertEquals(set(http.vhosts()), set(ctl.vhosts()));
    assertEquals(set(http.permissions()), set(ctl.permissions()));
    assertEquals(set(http.exchanges()), set(ctl.exchanges()));
    assertEquals(set(http.queues()), set(ctl.queues()));
    assertEquals(set(http.bindings()), set(ctl.bindings()));
  }

  @Test
  void aVhostsExportIsReadIntoThatVhost() {
    Definitions d = DefinitionsReader.read(Fixtures.json(Fixtures.SHOP), "shop");
    assertEquals("shop", d.vhost());
    assertEquals(List.of(), d.users());
    assertEquals(5, d.queues().size());
    assertTrue(d.queues().stream().allMatch(q -> q.vhost().equals("shop")));
    assertTrue(d.bindings().stream().allMatch(b -> b.vhost().equals("shop")));
  }

  @Test
  void whatTheWriterWritesTheReaderReadsBackAsItWas() {
    Definitions d = DefinitionsReader.read(Fixtures.json(Fixtures.RABBITMQ));
    assertEquals(d, DefinitionsReader.read(DefinitionsWriter.write(d, "test")));
    Definitions shop = DefinitionsReader.read(Fixtures.json(Fixtures.SHOP), "shop");
    JsonObject written = DefinitionsWriter.write(shop, "test");
    assertEquals(shop, DefinitionsReader.read(written, "shop"));
    assertTrue(!written.containsKey("users") && !written.getJsonArray("queues").getJsonObject(0).containsKey("vhost"),
        "a vhost's export has no users and no vhost fields, as RabbitMQ's: " + written);
  }

  @Test
  void anUnknownFieldIsRefusedByItsPath() {
    refused("'shovels' is not a known field", doc -> doc.put("shovels", new JsonArray()));
    refused("'queues[1].exclusiv' is not a known field", doc -> queue(doc, 1).put("exclusiv", true));
    refused("'users[0].limits.max-sessions' is not a known field",
        doc -> doc.getJsonArray("users").getJsonObject(0).getJsonObject("limits").put("max-sessions", 1));
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedByItsPath() {
    refused("'queues[0].durable' must be true or false, got \"yes\"", doc -> queue(doc, 0).put("durable", "yes"));
    refused("'exchanges' must be an array, got an object", doc -> doc.put("exchanges", new JsonObject()));
    refused("'bindings[2]' must be an object, got 7", doc -> doc.getJsonArray("bindings").set(2, 7));
    refused("'exchanges[0].type' is 'x-delayed-message'; known: direct, fanout, topic, headers",
        doc -> doc.getJsonArray("exchanges").getJsonObject(0).put("type", "x-delayed-message"));
    refused("'parameters[0].value.max-queues' must be a whole number, got 1.5",
        doc -> doc.getJsonArray("parameters").getJsonObject(0).getJsonObject("value").put("max-queues", 1.5));
    refused("'queues[0].name' is required", doc -> queue(doc, 0).remove("name"));
  }

  @Test
  void whatJunctionDoesNotHaveIsRefusedByName() {
    refused("'policies[0]' is a policy: policies are not supported yet",
        doc -> doc.put("policies", new JsonArray().add(new JsonObject().put("name", "ha"))));
    refused("'parameters[0].component' is 'federation-upstream': only vhost-limits parameters are supported",
        doc -> doc.getJsonArray("parameters").getJsonObject(0).put("component", "federation-upstream"));
    refused("'global_parameters[1].name' is 'mqtt_port_to_vhost_mapping': global parameters are not supported",
        doc -> doc.getJsonArray("global_parameters").add(new JsonObject().put("name", "mqtt_port_to_vhost_mapping")
            .put("value", new JsonObject())));
    refused("'queues[0].type' is 'quorum': Junction's queues are classic", doc -> queue(doc, 0).put("type", "quorum"));
    refused("'queues[0].arguments' is refused: unknown queue argument 'x-queue-mode'",
        doc -> queue(doc, 0).getJsonObject("arguments").put("x-queue-mode", "lazy"));
    refused("'users[0].password_hash' is refused: password_hash is not a rabbit_password_hashing_sha256 hash",
        doc -> doc.getJsonArray("users").getJsonObject(0).put("password_hash", "not base64!"));
    refused("'users[2].password' is not supported: give password_hash",
        doc -> doc.getJsonArray("users").getJsonObject(2).put("password", "clear"));
    refused("'permissions[0].read' is refused", doc -> doc.getJsonArray("permissions").getJsonObject(0)
        .put("read", "(unclosed"));
    refused("'permissions[0].read' is refused", doc -> doc.getJsonArray("permissions").getJsonObject(0)
        .put("read", "^{username}"));
    DefinitionsReader.read(Fixtures.json(Fixtures.RABBITMQ).put("topic_permissions", new JsonArray().add(
        Fixtures.json(Fixtures.RABBITMQ).getJsonArray("topic_permissions").getJsonObject(0).put("read", "^{username}\\."))));
  }

  @Test
  void rabbitMqsClusterIdentityIsIgnored() {
    var doc = Fixtures.json(Fixtures.RABBITMQ);
    assertEquals("internal_cluster_id", doc.getJsonArray("global_parameters").getJsonObject(0).getString("name"));
    DefinitionsReader.read(doc);
  }

  @Test
  void aVhostsDefinitionsHoldOnlyThatVhost() {
    var e = assertThrows(JunctionException.class, () -> DefinitionsReader.read(Fixtures.json(Fixtures.RABBITMQ), "shop"));
    assertEquals("definitions: 'users' belongs to the whole broker's definitions: import it with POST "
        + "/api/definitions", e.reason());
    var shop = Fixtures.json(Fixtures.SHOP);
    shop.getJsonArray("queues").getJsonObject(0).put("vhost", "/");
    e = assertThrows(JunctionException.class, () -> DefinitionsReader.read(shop, "shop"));
    assertEquals("definitions: 'queues[0].vhost' is '/' in the definitions of vhost 'shop'", e.reason());
  }

  private static JsonObject queue(JsonObject doc, int i) {
    return doc.getJsonArray("queues").getJsonObject(i);
  }

  private static void refused(String reason, Consumer<JsonObject> change) {
    var doc = Fixtures.json(Fixtures.RABBITMQ);
    change.accept(doc);
    var e = assertThrows(JunctionException.class, () -> DefinitionsReader.read(doc));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    assertTrue(e.reason().startsWith("definitions: " + reason), e.reason());
  }

  private static <T> java.util.Set<T> set(List<T> items) {
    return java.util.Set.copyOf(items);
  }
}
