package io.junctionmq.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.security.Access.Kind;
import io.junctionmq.security.Access.Resource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token login of {@link Authenticator}, beside the password one. */
class TokenLoginTest {
  private static final KeyPair KEYS = TestTokens.rsa();
  private Vertx vertx;
  private UserDatabase users;
  private Authenticator auth;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    vertx = Vertx.vertx();
    users = new UserDatabase(vertx, new InMemorySecurityStore(), "n1");
    users.start(() -> Future.succeededFuture(new User("guest", Passwords.hash("guest"), Passwords.PBKDF2,
        List.of("administrator")))).await(10, TimeUnit.SECONDS);
    Path key = Files.writeString(dir.resolve("key.pem"), TestTokens.pem(KEYS.getPublic()));
    var tokens = new TokenVerifier(vertx, new JwtSettings(List.of(key.toString()), "", "junction", "sub",
        Duration.ofSeconds(5), Duration.ofSeconds(2)));
    tokens.start().await(10, TimeUnit.SECONDS);
    auth = new Authenticator(vertx, users, new Authenticator.Settings(List.of("guest"), "guest", "guest", 50), tokens,
        FailedLogins.none());
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private static String token(String sub, long expiresIn, String... scopes) {
    return TestTokens.sign(KEYS, null, TestTokens.claims(sub, "junction", expiresIn, scopes));
  }

  @Test
  void aTokenLogsInAUserTheDatabaseDoesNotHoldWithThePermissionsOfItsScopes() throws Exception {
    Identity carol = auth.loginWithToken(token("carol", 60, "junction.write:*/carol.*", "junction.tag:administrator"),
        "10.1.2.3", "test").await(10, TimeUnit.SECONDS);
    assertEquals("carol", carol.name());
    assertTrue(users.user("carol").isEmpty());
    assertTrue(carol.exists());
    assertTrue(carol.has(Tag.ADMINISTRATOR));
    carol.access().check(Kind.WRITE, "/", Resource.EXCHANGE, "carol.x");
    assertTrue(carol.access().mayUse("/"));
    assertFalse(users.access("carol").mayUse("/"), "the database grants carol nothing");
  }

  @Test
  void aRefusedTokenIsAnsweredAfterTheFailureDelayWithItsReason() {
    long started = System.nanoTime();
    String reason = TokenVerifierTest.refusal(auth.loginWithToken(token("carol", -60), "127.0.0.1", "test"));
    assertTrue(System.nanoTime() - started >= 50_000_000L, "answered before the failure delay");
    assertTrue(reason.startsWith("login refused: token refused: token expired at "), reason);
  }

  @Test
  void withoutKeysATokenIsRefusedAsAWrongCredential() {
    var noTokens = new Authenticator(vertx, users, new Authenticator.Settings(List.of("guest"), "guest", "guest", 10));
    assertEquals("login refused: tokens are not accepted (auth.jwt.keys and auth.jwt.jwks-url are empty)",
        TokenVerifierTest.refusal(noTokens.loginWithToken(token("carol", 60), "127.0.0.1", "test")));
  }

  @Test
  void aLoopbackOnlyUserNamedByATokenMayConnectOnlyFromLoopback() throws Exception {
    assertEquals("guest", auth.loginWithToken(token("guest", 60), "127.0.0.1", "test").await(10, TimeUnit.SECONDS)
        .name());
    assertEquals("login refused for user 'guest': user may connect only from localhost",
        TokenVerifierTest.refusal(auth.loginWithToken(token("guest", 60), "10.1.2.3", "test")));
  }
}
