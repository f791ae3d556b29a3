package io.junctionmq.definitions;

import static io.junctionmq.broker.StandaloneBroker.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.QueueInfo;
import io.junctionmq.broker.StandaloneBroker;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Queue;
import io.junctionmq.security.Passwords;
import io.junctionmq.security.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Importing on a broker whose stores are in the heap: checked first, applied all or nothing. */
class DefinitionsImportTest {
  @RegisterExtension
  final StandaloneBroker node = new StandaloneBroker();
  private final Broker broker = node.broker();

  @Test
  void rabbitMqsExportImportsAndImportingItAgainChangesNothing() {
    var counts = await(DefinitionsImport.apply(broker, DefinitionsReader.read(Fixtures.json(Fixtures.RABBITMQ)), "t"));
    assertEquals(6, counts.get("queues"));
    assertTrue(broker.vhosts().contains("shop"));
    assertEquals(new Queue("shop", "audit.user", true, false, false, Map.of("x-dead-letter-exchange", "dlx",
        "x-dead-letter-routing-key", "audit", "x-max-length-bytes", 1048576, "x-overflow", "reject-publish")),
        queue("shop", "audit.user"));
    assertEquals(5, broker.bindings("shop").stream().filter(b -> !b.source().isEmpty()).count());
    assertTrue(Passwords.verify(broker.users().user("bob").orElseThrow(), "bob-secret"));
    JsonObject before = export();
    await(DefinitionsImport.apply(broker, DefinitionsReader.read(Fixtures.json(Fixtures.RABBITMQ)), "t"));
    await(DefinitionsImport.apply(broker, DefinitionsReader.read(before), "t"));
    assertSame(before, export());
  }

  @Test
  void aQueueRedeclaredWithOtherArgumentsIsRefusedBeforeAnythingIsApplied() {
    await(broker.declareVhost("shop"));
    await(broker.declareQueue(new Queue("shop", "orders.created", true, false, false, Map.of("x-max-length", 5))));
    JsonObject before = export();
    var reason = refused(ErrorCode.INVALID_ARGUMENT, Fixtures.json(Fixtures.RABBITMQ));
    assertTrue(reason.startsWith("definitions: 'queues[3]' redeclares queue 'orders.created' in vhost 'shop' with "
        + "other attributes than the broker's"), reason);
    assertSame(before, export());
    assertTrue(broker.users().user("alice").isEmpty());
  }

  @Test
  void aBindingToAQueueThatIsNowhereIsRefusedBeforeAnythingIsApplied() {
    JsonObject before = export();
    var doc = Fixtures.json(Fixtures.RABBITMQ);
    doc.getJsonArray("bindings").getJsonObject(1).put("destination", "orders.lost");
    assertEquals("definitions: 'bindings[1].destination' names queue 'orders.lost' in vhost 'shop', which is "
        + "neither in the definitions nor in the broker", refused(ErrorCode.INVALID_ARGUMENT, doc));
    doc = Fixtures.json(Fixtures.RABBITMQ);
    doc.getJsonArray("permissions").add(new JsonObject().put("user", "carol").put("vhost", "shop")
        .put("configure", "").put("write", "").put("read", ""));
    assertEquals("definitions: 'permissions[4].user' names user 'carol', which is neither in the definitions nor "
        + "in the broker", refused(ErrorCode.INVALID_ARGUMENT, doc));
    assertSame(before, export());
  }

  @Test
  void aChangeThatFailsPartWayUndoesEveryChangeBeforeIt() {
    // Bob exists with another password and alice has a permission on '/': both must come back as they were.
    User bob = new User("bob", Passwords.hash("old"), Passwords.PBKDF2, List.of("management"));
    await(broker.users().putUser(bob));
    await(broker.users().putUser(new User("alice", null, Passwords.PBKDF2, List.of())));
    await(broker.users().setPermission(new io.junctionmq.security.Permission("alice", "/", "a", "b", "c")));
    JsonObject before = export();
    var doc = Fixtures.json(Fixtures.RABBITMQ);
    // Passes every check, but the third queue of vhost shop is over its limit when it is declared.
    doc.getJsonArray("parameters").getJsonObject(0).getJsonObject("value").put("max-queues", 2);
    doc.getJsonArray("permissions").add(new JsonObject().put("user", "alice").put("vhost", "/")
        .put("configure", ".*").put("write", ".*").put("read", ".*"));
    String reason = refused(ErrorCode.LIMIT_REACHED, doc);
    assertTrue(reason.startsWith("definitions: queues[2] (queue 'audit.unrouted' in vhost 'shop'): "), reason);
    assertTrue(reason.endsWith("; nothing of the definitions was kept"), reason);
    assertSame(before, export());
    assertEquals(List.of("/"), broker.vhosts());
    assertEquals(bob, broker.users().user("bob").orElseThrow());
  }

  @Test
  void whatADocumentNamesTwiceIsCreatedOnceAndUndoneOnce() {
    JsonObject before = export();
    var doc = Fixtures.json(Fixtures.RABBITMQ);
    doc.getJsonArray("vhosts").add(new JsonObject().put("name", "shop"));
    doc.getJsonArray("queues").add(doc.getJsonArray("queues").getJsonObject(1).copy());
    doc.getJsonArray("bindings").add(doc.getJsonArray("bindings").getJsonObject(1).copy());
    doc.getJsonArray("parameters").getJsonObject(0).getJsonObject("value").put("max-queues", 2);
    String reason = refused(ErrorCode.LIMIT_REACHED, doc);
    assertTrue(reason.endsWith("; nothing of the definitions was kept"), reason);
    assertSame(before, export());
  }

  private Queue queue(String vhost, String name) {
    return broker.queues(vhost).stream().map(QueueInfo::queue).filter(q -> q.name().equals(name)).findFirst()
        .orElseThrow();
  }

  private String refused(ErrorCode code, JsonObject doc) {
    var e = assertThrows(JunctionException.class, () -> DefinitionsImport.apply(broker, DefinitionsReader.read(doc),
        "t").await(10, TimeUnit.SECONDS));
    assertEquals(code, e.code(), e.reason());
    return e.reason();
  }

  private JsonObject export() {
    return DefinitionsWriter.write(DefinitionsExport.all(broker), "test");
  }

  /** The same definitions, whatever the order of each list. */
  static void assertSame(JsonObject expected, JsonObject actual) {
    assertEquals(unordered(expected), unordered(actual));
  }

  static Map<String, Object> unordered(JsonObject doc) {
    var m = new java.util.TreeMap<String, Object>();
    doc.forEach(e -> m.put(e.getKey(), e.getValue() instanceof JsonArray a ? asSet(a) : e.getValue()));
    return m;
  }

  private static Set<String> asSet(JsonArray a) {
    var s = new HashSet<String>();
    a.forEach(o -> s.add(o instanceof JsonObject j ? new JsonObject(new java.util.TreeMap<>(j.getMap())).encode()
        : String.valueOf(o)));
    return s;
  }
}
