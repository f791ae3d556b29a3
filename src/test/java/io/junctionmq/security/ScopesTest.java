package io.junctionmq.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.security.Access.Kind;
import io.junctionmq.security.Access.Resource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ's OAuth 2 scope translation, with the examples of its documentation (oauth2.md,
 * "Scope-to-Permission Translation", "Topic Exchange scopes", "Scope and Tags") and of its
 * {@code scope_SUITE}, checked through the same {@link Access} the broker's guard calls.
 */
class ScopesTest {
  private static final List<String> VHOSTS = List.of("/", "foo", "*", "foo/bar", "юникод");
  private static final List<String> NAMES = List.of("foo", "foo/bar", "*", "*/*", "юникод");

  private static Access access(Object... scopes) {
    return access(new JsonObject().put("sub", "bob"), scopes);
  }

  private static Access access(JsonObject claims, Object... scopes) {
    var list = new JsonArray();
    for (Object s : scopes) {
      list.add("rabbitmq." + s);
    }
    return Access.of("bob", Scopes.of("rabbitmq", claims.copy().put("scope", list)));
  }

  private static boolean may(Access a, Kind kind, String vhost, String name) {
    boolean queue = allowed(() -> a.check(kind, vhost, Resource.QUEUE, name));
    assertEquals(queue, allowed(() -> a.check(kind, vhost, Resource.EXCHANGE, name)),
        "scopes do not tell queues from exchanges");
    return queue;
  }

  private static boolean mayTopic(Access a, Kind kind, String vhost, String exchange, String key) {
    return allowed(() -> a.checkTopic(kind, vhost, exchange, key));
  }

  private static boolean allowed(Runnable check) {
    try {
      check.run();
      return true;
    } catch (JunctionException e) {
      assertEquals(ErrorCode.ACCESS_REFUSED, e.code());
      return false;
    }
  }

  @Test
  void wildcardScopesGrantTheirPermissionOnEverythingAndNoOther() {
    for (Kind kind : Kind.values()) {
      String word = kind.name().toLowerCase(java.util.Locale.ROOT);
      for (Access a : List.of(access(word + ":*/*"), access(word + ":*/*/*"))) {
        for (String vhost : VHOSTS) {
          assertTrue(a.mayUse(vhost), vhost);
          for (String name : NAMES) {
            for (Kind other : Kind.values()) {
              assertEquals(other == kind, may(a, other, vhost, name), word + " scope, " + other + " " + vhost + " " + name);
            }
          }
        }
      }
    }
  }

  @Test
  void aVhostScopeGrantsThatVhostOnlyAndAnEncodedVhostMeansItself() {
    Access foo = access("read:foo/*", "tag:management");
    assertTrue(foo.mayUse("foo"));
    assertFalse(foo.mayUse("/"));
    assertFalse(foo.mayUse("foobar"));
    NAMES.forEach(n -> assertTrue(may(foo, Kind.READ, "foo", n)));
    NAMES.forEach(n -> assertFalse(may(foo, Kind.READ, "bar", n)));
    NAMES.forEach(n -> assertFalse(may(foo, Kind.WRITE, "foo", n)));

    Access complex = access("write:foo%2Fbar%2F%2A%2F/*");
    assertTrue(complex.mayUse("foo/bar/*/"));
    assertFalse(complex.mayUse("foo/bar/x/"));
    assertTrue(may(complex, Kind.WRITE, "foo/bar/*/", "q"));

    Access defaultVhost = access("configure:%2F/*");
    assertTrue(defaultVhost.mayUse("/"));
    assertFalse(defaultVhost.mayUse("foo"));
  }

  @Test
  void aResourceScopeGrantsTheNamesItMatches() {
    Access some = access("read:vhost1/some*");
    assertTrue(may(some, Kind.READ, "vhost1", "something"));
    assertFalse(may(some, Kind.READ, "vhost1", "other"));
    assertFalse(may(some, Kind.READ, "vhost2", "something"));

    Access complex = access("read:*/bar%2A%2Fbaz");
    VHOSTS.forEach(v -> assertTrue(may(complex, Kind.READ, v, "bar*/baz")));
    NAMES.forEach(n -> assertFalse(may(complex, Kind.READ, "foo", n)));
    assertFalse(may(complex, Kind.READ, "foo", "barx/baz"), "an encoded * is not a wildcard");
  }

  @Test
  void theDefaultExchangeIsCheckedAsAmqDefault() {
    assertTrue(allowed(() -> access("write:*/amq.default").check(Kind.WRITE, "/", Resource.EXCHANGE, "")));
    assertFalse(allowed(() -> access("write:*/other").check(Kind.WRITE, "/", Resource.EXCHANGE, "")));
  }

  @Test
  void topicAccessNeedsAScopeWithARoutingKeyPattern() {
    Access twoParts = access("write:*/*", "read:*/*");
    assertFalse(mayTopic(twoParts, Kind.WRITE, "/", "amq.topic", "any"), "as in RabbitMQ: no routing key, no topic");
    assertFalse(mayTopic(twoParts, Kind.READ, "/", "amq.topic", "any"));

    Access some = access("write:vhost1/some*/routing*");
    assertTrue(mayTopic(some, Kind.WRITE, "vhost1", "something", "routing.key"));
    assertFalse(mayTopic(some, Kind.WRITE, "vhost1", "something", "other.key"));
    assertFalse(mayTopic(some, Kind.WRITE, "vhost1", "other", "routing.key"));
    assertFalse(mayTopic(some, Kind.READ, "vhost1", "something", "routing.key"));
    assertTrue(may(some, Kind.WRITE, "vhost1", "something"), "a three-part scope grants the exchange too");
  }

  @Test
  void topicScopesMatchVhostExchangeAndRoutingKeyAsInRabbitmqsSuite() {
    for (String vhost : VHOSTS) {
      for (String exchange : NAMES) {
        for (String key : List.of("rout", "norout", "some_other")) {
          assertTrue(mayTopic(access("read:*/*/*"), Kind.READ, vhost, exchange, key));
          assertFalse(mayTopic(access("read:vhost/*/*"), Kind.READ, vhost, exchange, key));
          assertFalse(mayTopic(access("read:*/exchange/*"), Kind.READ, vhost, exchange, key));
          assertTrue(mayTopic(access("read:vhost/*/*"), Kind.READ, "vhost", exchange, key));
          assertTrue(mayTopic(access("read:*/exchange/*"), Kind.READ, vhost, "exchange", key));
        }
        assertTrue(mayTopic(access("read:*/*/rout"), Kind.READ, vhost, exchange, "rout"));
        assertFalse(mayTopic(access("read:*/*/rout"), Kind.READ, vhost, exchange, "foo"));
        for (String key : List.of("rout", "norout", "sprout")) {
          assertTrue(mayTopic(access("read:*/*/*rout"), Kind.READ, vhost, exchange, key));
        }
      }
    }
  }

  @Test
  void variablesStandForTheVhostAndStringClaimsOfTheToken() {
    // The documentation's example: in vhost prod, exchanges q-prod-*, keys u-bob-*.
    Access a = access("write:*/q-{vhost}-*/u-{sub}-*");
    assertTrue(mayTopic(a, Kind.WRITE, "prod", "q-prod-x", "u-bob-1"));
    assertFalse(mayTopic(a, Kind.WRITE, "prod", "q-test-x", "u-bob-1"));
    assertFalse(mayTopic(a, Kind.WRITE, "prod", "q-prod-x", "u-alice-1"));
    assertTrue(access("read:{vhost}/q").mayUse("anything"));
    assertFalse(access("read:{vhost}/q").mayUse("/"), "a vhost with a / drops the scope");
  }

  @Test
  void aClaimValueMeansItselfAndAValueWithASlashOrAMissingClaimDropsTheScope() {
    Access star = access(new JsonObject().put("sub", "b*"), "read:*/{sub}");
    assertTrue(may(star, Kind.READ, "/", "b*"));
    assertFalse(may(star, Kind.READ, "/", "bob"), "a * in a claim is not a wildcard");
    assertFalse(access(new JsonObject().put("team", "a/b"), "read:*/{team}").mayUse("/"));
    assertFalse(access("read:*/{team}").mayUse("/"));
    assertFalse(access("read:*/{unclosed").mayUse("/"));
  }

  @Test
  void onlyScopesWithTheAudiencePrefixCountAndOthersAreIgnored() {
    var claims = new JsonObject().put("scope", "other.read:*/* read:*/* rabbitmq.bogus rabbitmq.read:foo/q/k/x"
        + " rabbitmq.write:*/*");
    Access a = Access.of("bob", Scopes.of("rabbitmq", claims));
    assertFalse(may(a, Kind.READ, "/", "q"));
    assertTrue(may(a, Kind.WRITE, "/", "q"));
  }

  @Test
  void theScopeClaimMayBeAStringOrAnArray() {
    var asString = Scopes.of("rabbitmq", new JsonObject().put("scope", "  rabbitmq.read:*/*   rabbitmq.tag:monitoring "));
    var asArray = Scopes.of("rabbitmq", new JsonObject().put("scope", new JsonArray().add("rabbitmq.read:*/*").add(7)
        .add("rabbitmq.tag:monitoring")));
    for (Scopes s : List.of(asString, asArray)) {
      assertTrue(s.allows(Kind.READ, "/", Resource.QUEUE, "q"));
      assertEquals(Set.of("monitoring"), s.tags());
    }
    var none = Scopes.of("rabbitmq", new JsonObject());
    assertFalse(none.mayUse("/"));
    assertEquals(Set.of(), none.tags());
  }

  @Test
  void tagScopesGiveTagsAndNoPermission() {
    var s = Scopes.of("my_rabbit", new JsonObject().put("scope", "my_rabbit.tag:monitoring my_rabbit.tag:administrator"));
    assertEquals(Set.of("monitoring", "administrator"), s.tags());
    assertFalse(s.mayUse("/"));
  }

  @Test
  void aTokenWithMoreThan2048ScopesIsRefused() {
    var many = new ArrayList<String>();
    for (int i = 0; i <= Scopes.MAX; i++) {
      many.add("rabbitmq.read:*/q" + i);
    }
    var e = assertThrows(JunctionException.class, () -> Scopes.of("rabbitmq", new JsonObject().put("scope",
        String.join(" ", many))));
    assertEquals(ErrorCode.ACCESS_REFUSED, e.code());
    assertTrue(e.reason().contains("2049 scopes"), e.reason());
  }

  @Test
  void aRefusalNamesTheTokensUser() {
    var e = assertThrows(JunctionException.class, () -> access("read:*/*").check(Kind.WRITE, "/", Resource.QUEUE, "q"));
    assertEquals("write access to queue 'q' in vhost '/' refused for user 'bob'", e.reason());
  }
}
