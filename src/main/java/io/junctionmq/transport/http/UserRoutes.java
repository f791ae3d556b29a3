package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.definitions.DefinitionsWriter;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.security.Identity;
import io.junctionmq.security.Passwords;
import io.junctionmq.security.Permission;
import io.junctionmq.security.TopicPermission;
import io.junctionmq.security.User;
import io.junctionmq.security.UserDatabase;
import io.junctionmq.security.UserLimits;
import io.junctionmq.security.VhostLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RabbitMQ's management API for users, permissions and limits: {@code /api/whoami} (any
 * user; with the vhosts it has permissions in), and for administrators {@code /api/users},
 * {@code /api/permissions}, {@code /api/topic-permissions}, {@code /api/vhost-limits} and
 * {@code /api/user-limits}, with RabbitMQ's bodies. A password is hashed here (off the event
 * loop); a hash exported from RabbitMQ is taken as it is. Each change is made in the name of the
 * request's user.
 */
final class UserRoutes {
  private final Vertx vertx;
  private final Broker broker;

  UserRoutes(Vertx vertx, Broker broker) {
    this.vertx = vertx;
    this.broker = broker;
  }

  private UserDatabase users() {
    return broker.users();
  }

  void mount(ApiRouter api) {
    var admin = HttpAuth.Need.ADMINISTRATOR;
    api.on(HttpMethod.GET, "/whoami", HttpAuth.Need.LOGIN, this::whoami)
        .on(HttpMethod.GET, "/users", admin, ctx -> Rest.json(ctx, 200, array(users().users(), UserRoutes::json)))
        .on(HttpMethod.GET, "/users/:user", admin, ctx -> Rest.json(ctx, 200, json(user(ctx.pathParam("user")))))
        .on(HttpMethod.PUT, "/users/:user", admin, this::putUser)
        .on(HttpMethod.DELETE, "/users/:user", admin, this::deleteUser)
        .on(HttpMethod.GET, "/users/:user/permissions", admin, ctx -> permissions(ctx, ctx.pathParam("user"), null))
        .on(HttpMethod.GET, "/permissions", admin, ctx -> permissions(ctx, null, null))
        .on(HttpMethod.GET, "/vhosts/:vhost/permissions", admin, ctx -> permissions(ctx, null, Rest.vhost(ctx)))
        .on(HttpMethod.GET, "/permissions/:vhost/:user", admin, this::permission)
        .on(HttpMethod.PUT, "/permissions/:vhost/:user", admin, this::putPermission)
        .on(HttpMethod.DELETE, "/permissions/:vhost/:user", admin, ctx -> Rest.reply(ctx,
            users().clearPermission(ctx.pathParam("user"), Rest.vhost(ctx), by(ctx)), (c, v) -> Rest.noContent(c)))
        .on(HttpMethod.GET, "/topic-permissions", admin, ctx -> topicPermissions(ctx, null, null))
        .on(HttpMethod.GET, "/topic-permissions/:vhost/:user", admin,
            ctx -> topicPermissions(ctx, Rest.vhost(ctx), ctx.pathParam("user")))
        .on(HttpMethod.PUT, "/topic-permissions/:vhost/:user", admin, this::putTopicPermission)
        .on(HttpMethod.DELETE, "/topic-permissions/:vhost/:user", admin, this::deleteTopicPermissions)
        .on(HttpMethod.GET, "/vhost-limits", admin, ctx -> Rest.json(ctx, 200, array(users().limits(), UserRoutes::json)))
        .on(HttpMethod.GET, "/vhost-limits/:vhost", admin, ctx -> Rest.json(ctx, 200,
            array(users().limits(Rest.vhost(ctx)).stream().toList(), UserRoutes::json)))
        .on(HttpMethod.PUT, "/vhost-limits/:vhost/:limit", admin, ctx -> putLimit(ctx, true))
        .on(HttpMethod.DELETE, "/vhost-limits/:vhost/:limit", admin, ctx -> putLimit(ctx, false))
        .on(HttpMethod.GET, "/user-limits", admin, ctx -> Rest.json(ctx, 200,
            array(users().userLimits().stream().filter(l -> l.maxConnections() != null).toList(), UserRoutes::json)))
        .on(HttpMethod.GET, "/user-limits/:user", admin, ctx -> Rest.json(ctx, 200,
            array(users().userLimits(user(ctx.pathParam("user")).name()).filter(l -> l.maxConnections() != null)
                .stream().toList(), UserRoutes::json)))
        .on(HttpMethod.PUT, "/user-limits/:user/:limit", admin, ctx -> putUserLimit(ctx, true))
        .on(HttpMethod.DELETE, "/user-limits/:user/:limit", admin, ctx -> putUserLimit(ctx, false));
  }

  /** Who makes the change: the request's user. */
  private static String by(RoutingContext ctx) {
    return HttpAuth.user(ctx).name();
  }

  private void whoami(RoutingContext ctx) {
    Identity user = HttpAuth.user(ctx);
    if (!user.exists()) {
      throw ErrorCode.NOT_FOUND.error("no such user");
    }
    // "vhosts" is Junction's own, so that the console can disable its forms where they would be refused.
    Rest.json(ctx, 200, new JsonObject().put("name", user.name()).put("tags", new JsonArray(user.tags()))
        .put("vhosts", new JsonArray(broker.vhosts().stream().filter(v -> user.access().mayUse(v)).toList())));
  }

  private User user(String name) {
    return users().user(name).orElseThrow(() -> ErrorCode.NOT_FOUND.error("no user '" + name + "'"));
  }

  private void putUser(RoutingContext ctx) {
    String name = ctx.pathParam("user");
    JsonObject body = Rest.bodyObject(ctx);
    if (name.isBlank() || name.length() > 255) {
      throw ErrorCode.INVALID_ARGUMENT.error("a user name must have 1 to 255 characters");
    }
    List<String> tags = tags(body.getValue("tags"));
    String password = Rest.string(body, "password", null);
    String hash = Rest.string(body, "password_hash", null);
    Future<User> user;
    if (password != null && hash != null) {
      throw ErrorCode.INVALID_ARGUMENT.error("give either 'password' or 'password_hash', not both");
    } else if (password != null) {
      user = vertx.executeBlocking(() -> new User(name, Passwords.hash(password), Passwords.PBKDF2, tags), false);
    } else if (hash != null) {
      String algorithm = Rest.string(body, "hashing_algorithm", Passwords.RABBIT_SHA256);
      if (!hash.isEmpty()) {
        Passwords.checkStored(hash, algorithm);
      }
      user = Future.succeededFuture(new User(name, hash.isEmpty() ? null : hash, algorithm, tags));
    } else {
      // As RabbitMQ: a user without a password can log in only with a token; an existing user keeps its password.
      User existing = users().user(name).orElse(null);
      user = Future.succeededFuture(existing != null
          ? new User(name, existing.passwordHash(), existing.hashingAlgorithm(), tags)
          : new User(name, null, Passwords.PBKDF2, tags));
    }
    Rest.reply(ctx, user.compose(u -> users().putUser(u, by(ctx))), (c, created) -> c.response().setStatusCode(created ? 201 : 204).end());
  }

  private void deleteUser(RoutingContext ctx) {
    String name = ctx.pathParam("user");
    if (name.equals(HttpAuth.user(ctx).name())) {
      throw ErrorCode.PRECONDITION_FAILED.error("a user cannot delete itself");
    }
    Rest.reply(ctx, users().deleteUser(name, by(ctx)), (c, v) -> Rest.noContent(c));
  }

  /** RabbitMQ's tags: a comma-separated string, or (newer) an array. */
  static List<String> tags(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof String s) {
      return Arrays.stream(s.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }
    if (value instanceof JsonArray a && a.stream().allMatch(String.class::isInstance)) {
      return a.stream().map(String.class::cast).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }
    throw ErrorCode.INVALID_ARGUMENT.error("'tags' must be a comma-separated string or an array of strings");
  }

  private void permissions(RoutingContext ctx, String user, String vhost) {
    if (user != null) {
      user(user);
    }
    if (vhost != null && !broker.vhosts().contains(vhost)) {
      throw ErrorCode.noVhost(vhost);
    }
    var matching = users().permissions().stream()
        .filter(p -> (user == null || p.user().equals(user)) && (vhost == null || p.vhost().equals(vhost))).toList();
    Rest.json(ctx, 200, array(matching, UserRoutes::json));
  }

  private void permission(RoutingContext ctx) {
    String vhost = Rest.vhost(ctx);
    String user = ctx.pathParam("user");
    Permission p = users().permissions().stream().filter(x -> x.vhost().equals(vhost) && x.user().equals(user))
        .findFirst().orElseThrow(() -> ErrorCode.NOT_FOUND.error("no permissions of user '" + user + "' in vhost '"
            + vhost + "'"));
    Rest.json(ctx, 200, json(p));
  }

  private void putPermission(RoutingContext ctx) {
    String vhost = requireVhost(ctx);
    var p = permission(ctx.pathParam("user"), vhost, Rest.bodyObject(ctx));
    boolean existed = users().permissions().stream().anyMatch(x -> x.user().equals(p.user()) && x.vhost().equals(vhost));
    Rest.reply(ctx, users().setPermission(p, by(ctx)), (c, v) -> c.response().setStatusCode(existed ? 204 : 201).end());
  }

  private void topicPermissions(RoutingContext ctx, String vhost, String user) {
    var matching = users().topicPermissions().stream()
        .filter(p -> (user == null || p.user().equals(user)) && (vhost == null || p.vhost().equals(vhost))).toList();
    Rest.json(ctx, 200, array(matching, UserRoutes::json));
  }

  private void putTopicPermission(RoutingContext ctx) {
    String vhost = requireVhost(ctx);
    var p = topicPermission(ctx.pathParam("user"), vhost, Rest.bodyObject(ctx));
    Rest.reply(ctx, users().setTopicPermission(p, by(ctx)), (c, v) -> c.response().setStatusCode(201).end());
  }

  /** As RabbitMQ: every topic permission of the user in the vhost. */
  private void deleteTopicPermissions(RoutingContext ctx) {
    String vhost = Rest.vhost(ctx);
    String user = ctx.pathParam("user");
    var deletions = new ArrayList<Future<Void>>();
    users().topicPermissions().stream().filter(p -> p.vhost().equals(vhost) && p.user().equals(user))
        .forEach(p -> deletions.add(users().clearTopicPermission(user, vhost, p.exchange(), by(ctx))));
    Rest.reply(ctx, Future.all(deletions), (c, v) -> Rest.noContent(c));
  }

  /** {@code max-connections} or {@code max-queues}, set ({@code {"value": N}}, negative: no limit) or removed. */
  private void putLimit(RoutingContext ctx, boolean set) {
    String vhost = requireVhost(ctx);
    String limit = ctx.pathParam("limit");
    Integer value = set ? limit(Rest.bodyObject(ctx)) : null;
    VhostLimits now = users().limits(vhost).orElse(VhostLimits.none(vhost));
    VhostLimits next = switch (limit) {
      case "max-connections" -> new VhostLimits(vhost, value, now.maxQueues());
      case "max-queues" -> new VhostLimits(vhost, now.maxConnections(), value);
      default -> throw ErrorCode.INVALID_ARGUMENT.error("unknown vhost limit '" + limit
          + "'; known: max-connections, max-queues");
    };
    Rest.reply(ctx, users().setLimits(next, by(ctx)), (c, v) -> Rest.noContent(c));
  }

  /** RabbitMQ's user limit {@code max-connections}, set or removed as a vhost limit is ({@code max-channels} has no meaning here). */
  private void putUserLimit(RoutingContext ctx, boolean set) {
    String user = user(ctx.pathParam("user")).name();
    String limit = ctx.pathParam("limit");
    if (!limit.equals("max-connections")) {
      throw ErrorCode.INVALID_ARGUMENT.error("unknown user limit '" + limit + "'; known: max-connections");
    }
    Integer value = set ? limit(Rest.bodyObject(ctx)) : null;
    Rest.reply(ctx, users().setUserLimits(new UserLimits(user, value), by(ctx)), (c, v) -> Rest.noContent(c));
  }

  /** A permission body's three expressions; the user database checks they compile. */
  static Permission permission(String user, String vhost, JsonObject body) {
    return new Permission(user, vhost, required(body, "configure"), required(body, "write"), required(body, "read"));
  }

  static TopicPermission topicPermission(String user, String vhost, JsonObject body) {
    return new TopicPermission(user, vhost, required(body, "exchange"), required(body, "write"), required(body, "read"));
  }

  /** A vhost limit body {@code {"value": N}}: N, or null (no limit) when it is negative. */
  static Integer limit(JsonObject body) {
    Object v = body.getValue("value");
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
        || Math.abs(n.longValue()) > Integer.MAX_VALUE) {
      throw ErrorCode.INVALID_ARGUMENT.error("'value' must be an integer, got " + v);
    }
    return n.longValue() < 0 ? null : n.intValue();
  }

  private String requireVhost(RoutingContext ctx) {
    String vhost = Rest.vhost(ctx);
    if (!broker.vhosts().contains(vhost)) {
      throw ErrorCode.noVhost(vhost);
    }
    return vhost;
  }

  private static String required(JsonObject body, String field) {
    String value = Rest.string(body, field, null);
    if (value == null) {
      throw ErrorCode.INVALID_ARGUMENT.error("'" + field + "' is required");
    }
    return value;
  }

  private static <T> JsonArray array(List<T> items, java.util.function.Function<T, JsonObject> json) {
    var a = new JsonArray();
    items.forEach(i -> a.add(json.apply(i)));
    return a;
  }

  private static JsonObject json(User u) {
    return DefinitionsWriter.user(u);
  }

  private static JsonObject json(Permission p) {
    return DefinitionsWriter.permission(p);
  }

  private static JsonObject json(TopicPermission p) {
    return DefinitionsWriter.topicPermission(p);
  }

  private static JsonObject json(VhostLimits l) {
    var value = new JsonObject();
    if (l.maxConnections() != null) {
      value.put("max-connections", l.maxConnections());
    }
    if (l.maxQueues() != null) {
      value.put("max-queues", l.maxQueues());
    }
    return new JsonObject().put("vhost", l.vhost()).put("value", value);
  }

  private static JsonObject json(UserLimits l) {
    return new JsonObject().put("user", l.user()).put("value", new JsonObject().put("max-connections",
        l.maxConnections()));
  }
}
