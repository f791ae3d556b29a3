package io.junctionmq.definitions;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueArguments;
import io.junctionmq.security.Access;
import io.junctionmq.security.Passwords;
import io.junctionmq.security.Permission;
import io.junctionmq.security.TopicPermission;
import io.junctionmq.security.User;
import io.junctionmq.security.UserLimits;
import io.junctionmq.security.VhostLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a definitions document in RabbitMQ's format (what {@code rabbitmqctl export_definitions}
 * and {@code GET /api/definitions} write) into {@link Definitions}. Every field is read, or
 * ignored on purpose (docs/definitions.md says why), or refused: a field it does not know, a
 * value of the wrong type, a kind of object Junction does not have, each fails INVALID_ARGUMENT
 * naming the field ({@code queues[2].durable}). Pure: it looks at nothing but the document.
 */
public final class DefinitionsReader {
  /** Informative: which RabbitMQ (or Junction) wrote the document. */
  private static final String[] ABOUT = {"rabbit_version", "rabbitmq_version", "product_name", "product_version"};
  /** A RabbitMQ cluster's own identity, which means nothing to Junction. */
  private static final Set<String> IGNORED_GLOBALS = Set.of("internal_cluster_id", "cluster_name");

  private final String vhost;

  private DefinitionsReader(String vhost) {
    this.vhost = vhost;
  }

  /** The whole broker's definitions; fails INVALID_ARGUMENT naming the field. */
  public static Definitions read(JsonObject document) {
    return new DefinitionsReader(null).document(new Fields(document, ""));
  }

  /** One vhost's definitions, as {@code GET /api/definitions/{vhost}} writes them; fails INVALID_ARGUMENT. */
  public static Definitions read(JsonObject document, String vhost) {
    return new DefinitionsReader(vhost).document(new Fields(document, ""));
  }

  private Definitions document(Fields doc) {
    doc.ignore(ABOUT);
    var users = new ArrayList<User>();
    var userLimits = new ArrayList<UserLimits>();
    var vhosts = new ArrayList<String>();
    var permissions = new ArrayList<Permission>();
    var topicPermissions = new ArrayList<TopicPermission>();
    var limits = new ArrayList<VhostLimits>();
    if (vhost != null) {
      for (String whole : List.of("users", "vhosts", "permissions", "topic_permissions", "global_parameters")) {
        if (!doc.objects(whole).isEmpty()) {
          throw Fields.error(whole, "belongs to the whole broker's definitions: import it with POST /api/definitions");
        }
      }
    } else {
      for (Fields u : doc.objects("users")) {
        users.add(user(u));
        UserLimits l = userLimits(u.object("limits"), users.get(users.size() - 1).name());
        if (l != null) {
          userLimits.add(l);
        }
        u.done();
      }
      for (Fields v : doc.objects("vhosts")) {
        vhosts.add(vhostEntry(v));
      }
      doc.objects("permissions").forEach(p -> permissions.add(permission(p)));
      doc.objects("topic_permissions").forEach(p -> topicPermissions.add(topicPermission(p)));
      doc.objects("global_parameters").forEach(this::globalParameter);
    }
    doc.objects("parameters").forEach(p -> limits.add(parameter(p)));
    List<Fields> policies = doc.objects("policies");
    if (!policies.isEmpty()) {
      throw Fields.error(policies.get(0).path(), "is a policy: policies are not supported yet");
    }
    var exchanges = doc.objects("exchanges").stream().map(this::exchange).toList();
    var queues = doc.objects("queues").stream().map(this::queue).toList();
    var bindings = doc.objects("bindings").stream().map(this::binding).toList();
    doc.done();
    return new Definitions(vhost, users, userLimits, vhosts, permissions, topicPermissions, limits, exchanges, queues,
        bindings);
  }

  private static User user(Fields u) {
    String name = name(u, "name");
    if (u.has("password")) {
      // A clear password would have to be hashed for ~100 ms of CPU per user, and again on every re-import.
      throw Fields.error(u.path() + ".password", "is not supported: give password_hash (RabbitMQ's exports have it), "
          + "or set the password with PUT /api/users/{name}");
    }
    String hash = u.string("password_hash", "");
    String algorithm = u.string("hashing_algorithm", Passwords.RABBIT_SHA256);
    if (!hash.isEmpty()) {
      try {
        Passwords.checkStored(hash, algorithm);
      } catch (JunctionException e) {
        throw Fields.error(u.path() + ".password_hash", "is refused: " + e.reason());
      }
    }
    return new User(name, hash.isEmpty() ? null : hash, algorithm, tags(u));
  }

  /** RabbitMQ's tags: a comma-separated string (3.x exports) or an array of strings. */
  private static List<String> tags(Fields u) {
    Object v = u.raw("tags");
    if (v == null) {
      return List.of();
    }
    if (v instanceof String s) {
      return Arrays.stream(s.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }
    if (v instanceof JsonArray a && a.stream().allMatch(String.class::isInstance)) {
      return a.stream().map(String.class::cast).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }
    throw Fields.error(u.path() + ".tags", "must be a comma-separated string or an array of strings, got "
        + Fields.describe(v));
  }

  /** A user's {@code limits}: {@code max-connections}; {@code max-channels} is ignored (nothing here has channels). */
  private static UserLimits userLimits(Fields l, String user) {
    l.ignore("max-channels");
    Long max = l.integer("max-connections");
    l.done();
    return max == null ? null : new UserLimits(user, limit(max, l.path() + ".max-connections"));
  }

  /** A vhost: its name. Its description, tags and metadata have no place here; its limits are in {@code parameters}. */
  private static String vhostEntry(Fields v) {
    String name = name(v, "name");
    v.ignore("description", "tags", "metadata", "limits", "tracing");
    String queueType = v.string("default_queue_type", "classic");
    if (!queueType.equals("classic") && !queueType.equals("undefined")) {
      throw Fields.error(v.path() + ".default_queue_type", "is '" + queueType + "': Junction's queues are classic");
    }
    v.done();
    return name;
  }

  private static Permission permission(Fields p) {
    var permission = new Permission(p.string("user"), p.string("vhost"), expression(p, "configure", false),
        expression(p, "write", false), expression(p, "read", false));
    p.done();
    return permission;
  }

  private static TopicPermission topicPermission(Fields p) {
    var permission = new TopicPermission(p.string("user"), p.string("vhost"), p.string("exchange"),
        expression(p, "write", true), expression(p, "read", true));
    p.done();
    return permission;
  }

  /** A permission's expression, checked as the user database checks it: a topic permission's after its variables. */
  private static String expression(Fields p, String field, boolean topic) {
    String regex = p.string(field);
    try {
      Access.checkExpression(field, topic ? regex.replace("{username}", "u").replace("{vhost}", "v") : regex);
    } catch (JunctionException e) {
      throw Fields.error(p.path() + "." + field, "is refused: " + e.reason());
    }
    return regex;
  }

  private void globalParameter(Fields p) {
    String name = p.string("name");
    p.ignore("value");
    if (!IGNORED_GLOBALS.contains(name)) {
      throw Fields.error(p.path() + ".name", "is '" + name + "': global parameters are not supported");
    }
    p.done();
  }

  /** A runtime parameter: only {@code vhost-limits} has a meaning here. */
  private VhostLimits parameter(Fields p) {
    String component = p.string("component");
    if (!component.equals("vhost-limits")) {
      throw Fields.error(p.path() + ".component", "is '" + component + "': only vhost-limits parameters are "
          + "supported");
    }
    String in = vhost(p);
    p.ignore("name");
    Fields value = p.object("value");
    Long connections = value.integer("max-connections");
    Long queues = value.integer("max-queues");
    value.done();
    p.done();
    return new VhostLimits(in, limit(connections, value.path() + ".max-connections"),
        limit(queues, value.path() + ".max-queues"));
  }

  private Exchange exchange(Fields e) {
    String name = e.string("name");
    String in = vhost(e);
    String type = e.string("type");
    ExchangeType parsed;
    try {
      parsed = ExchangeType.of(type);
    } catch (IllegalArgumentException ex) {
      throw Fields.error(e.path() + ".type", "is '" + type + "'; known: direct, fanout, topic, headers");
    }
    var exchange = new Exchange(in, name, parsed, e.bool("durable", true), e.bool("auto_delete", false),
        e.bool("internal", false), e.arguments("arguments"));
    e.done();
    return exchange;
  }

  private Queue queue(Fields q) {
    String name = name(q, "name");
    String in = vhost(q);
    String type = q.string("type", "classic");
    if (!type.equals("classic")) {
      throw Fields.error(q.path() + ".type", "is '" + type + "': Junction's queues are classic");
    }
    var arguments = new HashMap<>(q.arguments("arguments"));
    Object declaredType = arguments.remove("x-queue-type");
    if (declaredType != null && !declaredType.equals("classic")) {
      throw Fields.error(q.path() + ".arguments.x-queue-type", "is '" + declaredType
          + "': Junction's queues are classic");
    }
    try {
      QueueArguments.parse(arguments);
    } catch (IllegalArgumentException ex) {
      throw Fields.error(q.path() + ".arguments", "is refused: " + ex.getMessage());
    }
    var queue = new Queue(in, name, q.bool("durable", true), false, q.bool("auto_delete", false), arguments);
    q.done();
    return queue;
  }

  private Binding binding(Fields b) {
    String source = b.string("source");
    String in = vhost(b);
    String kind = b.string("destination_type").toLowerCase(Locale.ROOT);
    Binding.DestinationType type = switch (kind) {
      case "queue" -> Binding.DestinationType.QUEUE;
      case "exchange" -> Binding.DestinationType.EXCHANGE;
      default -> throw Fields.error(b.path() + ".destination_type", "is '" + kind + "'; known: queue, exchange");
    };
    // The management API lists a binding's properties_key, its name in URLs; it is derived, not declared.
    b.ignore("properties_key");
    var binding = new Binding(in, source, type, b.string("destination"), b.string("routing_key", ""),
        b.arguments("arguments"));
    b.done();
    return binding;
  }

  /** The object's vhost: its {@code vhost} field, which a one-vhost document may leave out. */
  private String vhost(Fields f) {
    String in = f.string("vhost", vhost);
    if (in == null) {
      throw Fields.error(f.path() + ".vhost", "is required");
    }
    if (vhost != null && !in.equals(vhost)) {
      throw Fields.error(f.path() + ".vhost", "is '" + in + "' in the definitions of vhost '" + vhost + "'");
    }
    return in;
  }

  private static String name(Fields f, String field) {
    String name = f.string(field);
    if (name.isBlank() || name.length() > 255) {
      throw Fields.error(f.path() + "." + field, "must have 1 to 255 characters");
    }
    return name;
  }

  /** A limit: negative means none, as in RabbitMQ. */
  private static Integer limit(Long value, String path) {
    if (value == null || value < 0) {
      return null;
    }
    if (value > Integer.MAX_VALUE) {
      throw Fields.error(path, "is too large: " + value);
    }
    return value.intValue();
  }
}
