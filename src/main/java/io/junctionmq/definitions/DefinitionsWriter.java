package io.junctionmq.definitions;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.Queue;
import io.junctionmq.security.Permission;
import io.junctionmq.security.TopicPermission;
import io.junctionmq.security.User;
import io.junctionmq.security.UserLimits;
import io.junctionmq.security.VhostLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes {@link Definitions} in RabbitMQ's format, field for field as RabbitMQ 3.10's {@code GET
 * /api/definitions} does; a one-vhost document leaves out users, vhosts and permissions, and
 * the {@code vhost} of each object, as RabbitMQ does. A user's hash is written as stored, with
 * its algorithm: {@code pbkdf2} is Junction's own (RabbitMQ cannot read it, Junction can).
 */
public final class DefinitionsWriter {
  /** The RabbitMQ release whose format this is (its exports were checked against this writer). */
  public static final String RABBIT_VERSION = "3.10.8";
  public static final String PRODUCT = "Junction";

  private DefinitionsWriter() {
  }

  public static JsonObject write(Definitions d, String productVersion) {
    var doc = new JsonObject().put("rabbit_version", RABBIT_VERSION);
    boolean whole = d.vhost() == null;
    if (whole) {
      doc.put("rabbitmq_version", RABBIT_VERSION).put("product_name", PRODUCT).put("product_version", productVersion);
      Map<String, UserLimits> limits = d.userLimits().stream()
          .collect(Collectors.toMap(UserLimits::user, Function.identity()));
      doc.put("users", array(d.users(), u -> user(u, limits.get(u.name()))))
          .put("vhosts", array(d.vhosts(), v -> new JsonObject().put("name", v)))
          .put("permissions", array(d.permissions(), DefinitionsWriter::permission))
          .put("topic_permissions", array(d.topicPermissions(), DefinitionsWriter::topicPermission));
    }
    doc.put("parameters", array(d.vhostLimits(), DefinitionsWriter::limits));
    if (whole) {
      doc.put("global_parameters", new JsonArray());
    }
    doc.put("policies", new JsonArray())
        .put("queues", array(d.queues(), q -> queue(q, whole)))
        .put("exchanges", array(d.exchanges(), e -> exchange(e, whole)))
        .put("bindings", array(d.bindings(), b -> binding(b, whole)));
    return doc;
  }

  private static JsonObject user(User u, UserLimits limits) {
    var l = new JsonObject();
    if (limits != null && limits.maxConnections() != null) {
      l.put("max-connections", limits.maxConnections());
    }
    return user(u).put("limits", l);
  }

  /** A user as RabbitMQ's management API and definitions show it (here and in {@code /api/users}). */
  public static JsonObject user(User u) {
    return new JsonObject().put("name", u.name()).put("password_hash", u.passwordHash() == null ? "" : u.passwordHash())
        .put("hashing_algorithm", u.hashingAlgorithm()).put("tags", new JsonArray(u.tags()));
  }

  /** A permission as RabbitMQ shows it (here and in {@code /api/permissions}). */
  public static JsonObject permission(Permission p) {
    return new JsonObject().put("user", p.user()).put("vhost", p.vhost()).put("configure", p.configure())
        .put("write", p.write()).put("read", p.read());
  }

  /** A topic permission as RabbitMQ shows it (here and in {@code /api/topic-permissions}). */
  public static JsonObject topicPermission(TopicPermission p) {
    return new JsonObject().put("user", p.user()).put("vhost", p.vhost()).put("exchange", p.exchange())
        .put("write", p.write()).put("read", p.read());
  }

  private static JsonObject limits(VhostLimits l) {
    var value = new JsonObject();
    if (l.maxConnections() != null) {
      value.put("max-connections", l.maxConnections());
    }
    if (l.maxQueues() != null) {
      value.put("max-queues", l.maxQueues());
    }
    return new JsonObject().put("value", value).put("vhost", l.vhost()).put("component", "vhost-limits")
        .put("name", "limits");
  }

  private static JsonObject queue(Queue q, boolean whole) {
    var json = new JsonObject().put("name", q.name());
    vhost(json, q.vhost(), whole);
    return json.put("durable", q.durable()).put("auto_delete", q.autoDelete())
        .put("arguments", new JsonObject(new TreeMap<>(q.arguments())));
  }

  private static JsonObject exchange(Exchange e, boolean whole) {
    var json = new JsonObject().put("name", e.name());
    vhost(json, e.vhost(), whole);
    return json.put("type", e.type().wireName()).put("durable", e.durable()).put("auto_delete", e.autoDelete())
        .put("internal", e.internal()).put("arguments", new JsonObject(new TreeMap<>(e.arguments())));
  }

  private static JsonObject binding(Binding b, boolean whole) {
    var json = new JsonObject().put("source", b.source());
    vhost(json, b.vhost(), whole);
    return json.put("destination", b.destination())
        .put("destination_type", b.destinationType().name().toLowerCase(Locale.ROOT))
        .put("routing_key", b.routingKey()).put("arguments", new JsonObject(new TreeMap<>(b.arguments())));
  }

  private static void vhost(JsonObject json, String vhost, boolean whole) {
    if (whole) {
      json.put("vhost", vhost);
    }
  }

  private static <T> JsonArray array(List<T> items, Function<T, JsonObject> json) {
    var a = new JsonArray();
    items.forEach(i -> a.add(json.apply(i)));
    return a;
  }
}
