package io.junctionmq.security;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.security.Access.Kind;
import io.junctionmq.security.Access.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class AccessTest {

  private static String refused(Executable check) {
    var e = assertThrows(JunctionException.class, check);
    assertEquals(ErrorCode.ACCESS_REFUSED, e.code());
    return e.reason();
  }

  @Test
  void anExpressionMatchesAnywhereInTheNameAsErlangsReDoes() {
    var access = Access.of("bob", List.of(new Permission("bob", "/", "^bob\\.", "orders", ".*")), List.of());
    access.check(Kind.CONFIGURE, "/", Resource.QUEUE, "bob.inbox");
    access.check(Kind.WRITE, "/", Resource.EXCHANGE, "eu.orders.new");
    access.check(Kind.READ, "/", Resource.QUEUE, "anything");
    assertEquals("configure access to queue 'alice.inbox' in vhost '/' refused for user 'bob'",
        refused(() -> access.check(Kind.CONFIGURE, "/", Resource.QUEUE, "alice.inbox")));
  }

  @Test
  void aBlankExpressionMatchesNothing() {
    var access = Access.of("bob", List.of(new Permission("bob", "/", "", "^$", ".*")), List.of());
    refused(() -> access.check(Kind.CONFIGURE, "/", Resource.QUEUE, "q"));
    refused(() -> access.check(Kind.WRITE, "/", Resource.EXCHANGE, "x"));
  }

  @Test
  void theDefaultExchangeIsCheckedAsAmqDefault() {
    var access = Access.of("bob", List.of(new Permission("bob", "/", "", "^amq\\.default$", "")), List.of());
    access.check(Kind.WRITE, "/", Resource.EXCHANGE, "");
    assertTrue(refused(() -> access.check(Kind.WRITE, "/", Resource.EXCHANGE, "amq.topic")).contains("amq.topic"));
  }

  @Test
  void aVhostWithoutPermissionsIsRefusedWhole() {
    var access = Access.of("bob", List.of(Permission.all("bob", "/")), List.of());
    assertTrue(access.mayUse("/"));
    assertFalse(access.mayUse("shop"));
    assertEquals("access to vhost 'shop' refused for user 'bob'", refused(() -> access.checkVhost("shop")));
    refused(() -> access.check(Kind.READ, "shop", Resource.QUEUE, "q"));
  }

  @Test
  void otherUsersPermissionsDoNotCount() {
    var access = Access.of("bob", List.of(Permission.all("alice", "/")), List.of());
    assertFalse(access.mayUse("/"));
  }

  @Test
  void topicPermissionsConfineRoutingKeysWithTheUsersNameFilledIn() {
    var access = Access.of("bob", List.of(Permission.all("bob", "/")),
        List.of(new TopicPermission("bob", "/", "amq.topic", "^user\\.{username}\\.", "^user\\.{username}\\.")));
    access.checkTopic(Kind.WRITE, "/", "amq.topic", "user.bob.inbox");
    assertEquals("write access to topic 'user.alice.inbox' in exchange 'amq.topic' in vhost '/' refused for user 'bob'",
        refused(() -> access.checkTopic(Kind.WRITE, "/", "amq.topic", "user.alice.inbox")));
    refused(() -> access.checkTopic(Kind.READ, "/", "amq.topic", "user.#"));
    assertDoesNotThrow(() -> access.checkTopic(Kind.WRITE, "/", "other.topic", "anything"),
        "no topic permissions on an exchange: every key");
  }

  @Test
  void aUserNameWithRegexCharactersIsTakenLiterally() {
    var access = Access.of("a.b", List.of(Permission.all("a.b", "/")),
        List.of(new TopicPermission("a.b", "/", "t", "^{username}$", ".*")));
    access.checkTopic(Kind.WRITE, "/", "t", "a.b");
    refused(() -> access.checkTopic(Kind.WRITE, "/", "t", "aXb"));
  }

  @Test
  void anExpressionThatDoesNotCompileIsAClearError() {
    var e = assertThrows(JunctionException.class, () -> Access.checkExpression("read", "a(b"));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    assertTrue(e.reason().startsWith("'read' is not a regular expression"), e.reason());
  }

  @Test
  void aTopicExpressionIsCheckedWithItsVariablesFilledIn() {
    Access.checkExpression("write", Access.expand("^user\\.{username}\\.", "bob", "/"));
    assertThrows(JunctionException.class, () -> Access.checkExpression("write", "^user\\.{username}\\."),
        "unexpanded, {username} reads as a broken repetition");
  }
}
