package io.junctionmq.security;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One user's permissions, compiled: RabbitMQ's check of a resource name against the user's
 * {@code configure}, {@code write} or {@code read} expression in the vhost (a match anywhere
 * in the name, as Erlang's {@code re:run}; a blank expression matches nothing), and of a
 * routing key against its topic permissions on a topic exchange. The default exchange is
 * named {@code amq.default} for these checks, as in RabbitMQ. A token's user has its scopes
 * instead ({@link Scopes}), checked the same way. Immutable; built again when the user's
 * permissions change.
 */
public final class Access {
  public enum Kind {
    CONFIGURE, WRITE, READ;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public enum Resource {
    EXCHANGE, QUEUE;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What a user may do, whatever grants it: answers without throwing. */
  interface Grants {
    boolean mayUse(String vhost);

    /** {@code name} as checked: the default exchange is {@code amq.default}. */
    boolean allows(Kind kind, String vhost, Resource resource, String name);

    /** On a topic exchange; {@code kind} is {@code WRITE} to publish, {@code READ} to bind. */
    boolean allowsTopic(Kind kind, String vhost, String exchange, String routingKey);
  }

  /** A user with no permissions anywhere. */
  static final Access NONE = new Access("", new Stored(Map.of(), Map.of()));

  private final String user;
  private final Grants grants;

  private Access(String user, Grants grants) {
    this.user = user;
    this.grants = grants;
  }

  /** {@code user}'s permissions as {@code grants} give them (a token's scopes). */
  static Access of(String user, Grants grants) {
    return new Access(user, grants);
  }

  /** Compiles {@code user}'s permissions; every expression must compile (they are checked when stored). */
  static Access of(String user, List<Permission> permissions, List<TopicPermission> topicPermissions) {
    var vhosts = new HashMap<String, VhostGrants>();
    for (Permission p : permissions) {
      if (p.user().equals(user)) {
        vhosts.put(p.vhost(), new VhostGrants(Expression.of(p.configure()), Expression.of(p.write()),
            Expression.of(p.read())));
      }
    }
    var topics = new HashMap<String, Map<String, TopicGrants>>();
    for (TopicPermission t : topicPermissions) {
      if (t.user().equals(user)) {
        topics.computeIfAbsent(t.vhost(), v -> new HashMap<>()).put(t.exchange(),
            new TopicGrants(Expression.of(expand(t.write(), user, t.vhost())),
                Expression.of(expand(t.read(), user, t.vhost()))));
      }
    }
    return new Access(user, new Stored(Map.copyOf(vhosts), Map.copyOf(topics)));
  }

  /** Fails INVALID_ARGUMENT when {@code regex} does not compile; {@code field} names it. */
  public static void checkExpression(String field, String regex) {
    try {
      Pattern.compile(regex);
    } catch (java.util.regex.PatternSyntaxException e) {
      throw ErrorCode.INVALID_ARGUMENT.error("'" + field + "' is not a regular expression: "
          + e.getDescription() + " near index " + e.getIndex());
    }
  }

  /** A topic permission's expression with {@code {username}} and {@code {vhost}} filled in (quoted). */
  static String expand(String regex, String user, String vhost) {
    return regex.replace("{username}", Pattern.quote(user)).replace("{vhost}", Pattern.quote(vhost));
  }

  /** Whether the user may use the vhost at all: it has permissions there. */
  public boolean mayUse(String vhost) {
    return grants.mayUse(vhost);
  }

  /** Fails ACCESS_REFUSED unless the user has permissions in the vhost. */
  public void checkVhost(String vhost) {
    if (!mayUse(vhost)) {
      throw ErrorCode.ACCESS_REFUSED.error("access to vhost '" + vhost + "' refused for user '" + user + "'");
    }
  }

  /** Fails ACCESS_REFUSED unless the user's {@code kind} expression in the vhost matches the resource's name. */
  public void check(Kind kind, String vhost, Resource resource, String name) {
    String checked = resource == Resource.EXCHANGE && name.isEmpty() ? "amq.default" : name;
    if (!grants.allows(kind, vhost, resource, checked)) {
      throw refused(kind.word() + " access to " + resource.word() + " '" + checked + "' in vhost '" + vhost + "'");
    }
  }

  /**
   * Fails ACCESS_REFUSED when the user may not use the routing key on the (topic) exchange:
   * stored topic permissions on the exchange whose {@code kind} expression ({@code WRITE} to
   * publish, {@code READ} to bind) does not match it (none on an exchange: every key may be
   * used), or no scope of a token that grants it.
   */
  public void checkTopic(Kind kind, String vhost, String exchange, String routingKey) {
    if (!grants.allowsTopic(kind, vhost, exchange, routingKey)) {
      throw refused(kind.word() + " access to topic '" + routingKey + "' in exchange '" + exchange + "' in vhost '"
          + vhost + "'");
    }
  }

  private JunctionException refused(String what) {
    return ErrorCode.ACCESS_REFUSED.error(what + " refused for user '" + user + "'");
  }

  /** A stored user's permissions and topic permissions, by vhost. */
  private record Stored(Map<String, VhostGrants> vhosts, Map<String, Map<String, TopicGrants>> topics)
      implements Grants {
    @Override
    public boolean mayUse(String vhost) {
      return vhosts.containsKey(vhost);
    }

    @Override
    public boolean allows(Kind kind, String vhost, Resource resource, String name) {
      VhostGrants g = vhosts.get(vhost);
      return g != null && g.of(kind).matches(name);
    }

    @Override
    public boolean allowsTopic(Kind kind, String vhost, String exchange, String routingKey) {
      Map<String, TopicGrants> inVhost = topics.get(vhost);
      TopicGrants g = inVhost == null ? null : inVhost.get(exchange);
      return g == null || (kind == Kind.WRITE ? g.write : g.read).matches(routingKey);
    }
  }

  private record VhostGrants(Expression configure, Expression write, Expression read) {
    Expression of(Kind kind) {
      return switch (kind) {
        case CONFIGURE -> configure;
        case WRITE -> write;
        case READ -> read;
      };
    }
  }

  private record TopicGrants(Expression write, Expression read) {
  }

  /** A permission expression; {@code .*}, the usual grant of everything, is decided without a regex. */
  private record Expression(Pattern pattern) {
    static Expression of(String regex) {
      return new Expression(regex.equals(".*") ? null : Pattern.compile(regex.isBlank() ? "^$" : regex));
    }

    boolean matches(String name) {
      return pattern == null || pattern.matcher(name).find();
    }
  }
}
