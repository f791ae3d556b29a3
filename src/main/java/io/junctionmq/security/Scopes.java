package io.junctionmq.security;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.security.Access.Kind;
import io.junctionmq.security.Access.Resource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A token's permissions, from its {@code scope} claim (a space-separated string or an array), as
 * RabbitMQ's OAuth 2 plugin reads it. Only scopes that start with {@code <audience>.} count (the
 * audience is RabbitMQ's {@code resource_server_id}); after that prefix:
 * <ul>
 *   <li>{@code configure:<vhost>/<name>}, {@code write:<vhost>/<name>}, {@code read:<vhost>/<name>}
 *       grant that permission on the exchanges and queues whose name matches, in the vhosts that
 *       match ({@link Wildcard} patterns); any of them lets the user open the vhost;</li>
 *   <li>a third part, {@code write:<vhost>/<exchange>/<routing key>}, also grants the routing keys
 *       that match on a topic exchange: publishing to one ({@code write}) and binding from one
 *       ({@code read}) need such a scope, as in RabbitMQ;</li>
 *   <li>{@code tag:<tag>} gives the user that tag;</li>
 *   <li>{@code {vhost}} stands for the vhost being checked and {@code {<claim>}} for a string claim
 *       of the token ({@code {sub}}); a value with a {@code /} drops the scope, as in RabbitMQ, and
 *       {@code *}, {@code %} and {@code +} in a value mean themselves (RabbitMQ would read them as a
 *       pattern); a variable that names no string claim drops the scope.</li>
 * </ul>
 * Any other scope is ignored.
 */
final class Scopes implements Access.Grants {
  /** RabbitMQ's limit: a token with more (after the prefix filter) is refused. */
  static final int MAX = 2048;
  private static final Pattern VARIABLE = Pattern.compile("\\{([^{}.*/]+)\\}");
  private static final String VHOST = "{vhost}";

  private final List<Rule> rules;
  /** Permission scopes that name {@code {vhost}}: compiled for each check. */
  private final List<Template> templates;
  private final Set<String> tags;

  private Scopes(List<Rule> rules, List<Template> templates, Set<String> tags) {
    this.rules = rules;
    this.templates = templates;
    this.tags = tags;
  }

  /**
   * The scopes of {@code claims} with the prefix {@code <audience>.}; throws ACCESS_REFUSED when
   * there are more than {@link #MAX}.
   */
  static Scopes of(String audience, JsonObject claims) {
    String prefix = audience + ".";
    var scopes = new LinkedHashSet<String>();
    for (String s : claimed(claims.getValue("scope"))) {
      if (s.startsWith(prefix)) {
        scopes.add(s.substring(prefix.length()));
      }
    }
    if (scopes.size() > MAX) {
      throw ErrorCode.ACCESS_REFUSED.error("the token has " + scopes.size() + " scopes for '" + audience
          + "', more than " + MAX);
    }
    var rules = new ArrayList<Rule>();
    var templates = new ArrayList<Template>();
    var tags = new LinkedHashSet<String>();
    for (String scope : scopes) {
      if (scope.startsWith("tag:")) {
        tags.add(scope.substring(4));
        continue;
      }
      Kind kind = kind(scope);
      if (kind == null) {
        continue;
      }
      String resource = expandClaims(scope.substring(scope.indexOf(':') + 1), claims);
      if (resource == null) {
        continue;
      }
      if (resource.contains(VHOST)) {
        templates.add(new Template(kind, resource));
      } else {
        Rule.parse(kind, resource).ifPresent(rules::add);
      }
    }
    return new Scopes(List.copyOf(rules), List.copyOf(templates), Set.copyOf(tags));
  }

  Set<String> tags() {
    return tags;
  }

  @Override
  public boolean mayUse(String vhost) {
    return rules(vhost).anyMatch(r -> r.vhost.matches(vhost));
  }

  @Override
  public boolean allows(Kind kind, String vhost, Resource resource, String name) {
    return rules(vhost).anyMatch(r -> r.kind == kind && r.vhost.matches(vhost) && r.name.matches(name));
  }

  @Override
  public boolean allowsTopic(Kind kind, String vhost, String exchange, String routingKey) {
    return rules(vhost).anyMatch(r -> r.kind == kind && r.key != null && r.vhost.matches(vhost)
        && r.name.matches(exchange) && r.key.matches(routingKey));
  }

  private Stream<Rule> rules(String vhost) {
    if (templates.isEmpty() || vhost.contains("/")) {
      return rules.stream();
    }
    String value = literal(vhost);
    return Stream.concat(rules.stream(), templates.stream()
        .flatMap(t -> Rule.parse(t.kind, t.resource.replace(VHOST, value)).stream()));
  }

  private static List<String> claimed(Object scope) {
    if (scope instanceof String s) {
      return Stream.of(s.split(" ")).filter(p -> !p.isEmpty()).toList();
    }
    if (scope instanceof JsonArray a) {
      return a.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }

  private static Kind kind(String scope) {
    for (Kind k : Kind.values()) {
      if (scope.startsWith(k.name().toLowerCase(java.util.Locale.ROOT) + ":")) {
        return k;
      }
    }
    return null;
  }

  /** The resource part with every {@code {<claim>}} but {@code {vhost}} filled in; null: the scope is dropped. */
  private static String expandClaims(String resource, JsonObject claims) {
    var out = new StringBuilder();
    Matcher m = VARIABLE.matcher(resource);
    int at = 0;
    while (m.find()) {
      out.append(resource, at, m.start());
      at = m.end();
      String name = m.group(1);
      if (name.equals("vhost")) {
        out.append(VHOST);
        continue;
      }
      if (!(claims.getValue(name) instanceof String value) || value.contains("/")) {
        return null;
      }
      out.append(literal(value));
    }
    out.append(resource.substring(at));
    // A brace that is not a variable is RabbitMQ's parse error: the scope is dropped.
    return out.toString().replace(VHOST, "").contains("{") ? null : out.toString();
  }

  /** {@code value} as a pattern that matches only itself. */
  private static String literal(String value) {
    return value.replace("%", "%25").replace("*", "%2A").replace("+", "%2B").replace("{", "%7B")
        .replace("}", "%7D");
  }

  /** One permission scope, compiled; {@code key} null when it names no routing key. */
  private record Rule(Kind kind, Wildcard vhost, Wildcard name, Wildcard key) {
    static Optional<Rule> parse(Kind kind, String resource) {
      String[] parts = resource.split("/", -1);
      return switch (parts.length) {
        case 2 -> Optional.of(new Rule(kind, Wildcard.of(parts[0]), Wildcard.of(parts[1]), null));
        case 3 -> Optional.of(new Rule(kind, Wildcard.of(parts[0]), Wildcard.of(parts[1]), Wildcard.of(parts[2])));
        default -> Optional.empty();
      };
    }
  }

  private record Template(Kind kind, String resource) {
  }
}
