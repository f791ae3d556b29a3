package io.junctionmq.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
  private Vertx vertx;
  private UserDatabase users;
  private Authenticator auth;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    users = new UserDatabase(vertx, new InMemorySecurityStore(), "n1");
    users.start(() -> Future.succeededFuture(new User("guest", Passwords.hash("guest"), Passwords.PBKDF2,
        List.of("administrator")))).await(10, TimeUnit.SECONDS);
    users.putUser(new User("bob", "kI3GCkwidbNLQtNlauSvDxHDzz3IO+MCqP9YQ8IPMmUonl9G", Passwords.RABBIT_SHA256,
        List.of())).await(10, TimeUnit.SECONDS);
    auth = new Authenticator(vertx, users, new Authenticator.Settings(List.of("guest"), "guest", "guest", 50));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private static ErrorCode refusal(Future<?> f) {
    return failure(f).code();
  }

  private static JunctionException failure(Future<?> f) {
    try {
      f.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e instanceof JunctionException ? e : e.getCause();
      if (cause instanceof JunctionException j) {
        return j;
      }
      return fail(e);
    }
    return fail("expected a refusal");
  }


  @Test
  void aFailureDelayOfZeroRefusesAtOnce() {
    var noDelay = new Authenticator(vertx, users, new Authenticator.Settings(List.of("guest"), "guest", "guest", 0));
    assertEquals(ErrorCode.ACCESS_REFUSED, refusal(noDelay.login("bob", "wrong", "127.0.0.1", "test")));
  }

  @Test
  void aUserLogsInWithItsPasswordFromAnywhere() throws Exception {
    Identity bob = auth.login("bob", "s3cret", "10.1.2.3", "test").await(10, TimeUnit.SECONDS);
    assertEquals("bob", bob.name());
    assertFalse(bob.has(Tag.ADMINISTRATOR));
  }

  @Test
  void aWrongPasswordAnUnknownUserAndNoPasswordAreRefusedAfterTheDelay() {
    long started = System.nanoTime();
    assertEquals(ErrorCode.ACCESS_REFUSED, refusal(auth.login("bob", "S3cret", "127.0.0.1", "test")));
    assertTrue(System.nanoTime() - started >= 50_000_000L, "answered before the failure delay");
    assertEquals(ErrorCode.ACCESS_REFUSED, refusal(auth.login("nobody", "x", "127.0.0.1", "test")));
    assertEquals(ErrorCode.ACCESS_REFUSED, refusal(auth.login("bob", null, "127.0.0.1", "test")));
  }

  @Test
  void guestMayLogInOnlyFromLoopback() throws Exception {
    assertEquals("guest", auth.login("guest", "guest", "127.0.0.1", "test").await(10, TimeUnit.SECONDS).name());
    assertEquals("guest", auth.login("guest", "guest", "::1", "test").await(10, TimeUnit.SECONDS).name());
    assertEquals(ErrorCode.ACCESS_REFUSED, refusal(auth.login("guest", "guest", "192.168.1.20", "test")));
    assertEquals(ErrorCode.ACCESS_REFUSED, refusal(auth.anonymous("192.168.1.20", "test")));
  }

  @Test
  void aClientWithoutCredentialsIsTheAnonymousUserOrRefusedWhenThereIsNone() throws Exception {
    assertEquals("guest", auth.anonymous("127.0.0.1", "test").await(10, TimeUnit.SECONDS).name());
    var strict = new Authenticator(vertx, users, new Authenticator.Settings(List.of("guest"), "", "", 10));
    assertEquals(ErrorCode.ACCESS_REFUSED, refusal(strict.anonymous("127.0.0.1", "test")));
  }

  @Test
  void aChangedPasswordIsNotRememberedAsTheOldOne() throws Exception {
    auth.login("bob", "s3cret", "10.0.0.1", "test").await(10, TimeUnit.SECONDS);
    users.putUser(new User("bob", Passwords.hash("n3w"), Passwords.PBKDF2, List.of())).await(10, TimeUnit.SECONDS);
    assertEquals(ErrorCode.ACCESS_REFUSED, refusal(auth.login("bob", "s3cret", "10.0.0.1", "test")));
    assertEquals("bob", auth.login("bob", "n3w", "10.0.0.1", "test").await(10, TimeUnit.SECONDS).name());
  }

  @Test
  void onlyLoopbackAddressesAreLoopback() {
    for (String a : List.of("127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1")) {
      assertTrue(Authenticator.loopback(a), a);
    }
    for (String a : List.of("10.0.0.1", "::2", "localhost", "128.0.0.1", "::ffff:10.0.0.1", "")) {
      assertFalse(Authenticator.loopback(a), a);
    }
  }

  @Test
  void anAddressWithTooManyWrongLoginsIsRefusedUncheckedUntilTheWindowEnds() throws Exception {
    var clock = new AtomicLong();
    var blocking = new Authenticator(vertx, users, new Authenticator.Settings(List.of("guest"), "guest", "guest", 1),
        new TokenVerifier(vertx, JwtSettings.OFF), new FailedLogins(3, 60_000, clock::get));
    assertEquals(ErrorCode.ACCESS_REFUSED, refusal(blocking.login("bob", "wrong", "10.0.0.1", "test")));
    assertEquals(ErrorCode.ACCESS_REFUSED, refusal(blocking.login("nobody", "x", "10.0.0.1", "test")));
    assertEquals("bob", blocking.login("bob", "s3cret", "10.0.0.1", "test").await(10, TimeUnit.SECONDS).name(),
        "two wrong logins do not block");
    assertEquals(ErrorCode.ACCESS_REFUSED, refusal(blocking.login("bob", "wrong", "10.0.0.1", "test")));

    var right = blocking.login("bob", "s3cret", "10.0.0.1", "test");
    String reason = reason(right);
    assertTrue(reason.contains("too many failed logins from 10.0.0.1; try again in 60 s"), reason);
    assertTrue(reason(blocking.anonymous("10.0.0.1", "test")).contains("too many failed logins"));
    assertEquals("bob", blocking.login("bob", "s3cret", "10.0.0.2", "test").await(10, TimeUnit.SECONDS).name(),
        "another address is not blocked");

    clock.addAndGet(60_000_000_000L);
    assertEquals("bob", blocking.login("bob", "s3cret", "10.0.0.1", "test").await(10, TimeUnit.SECONDS).name(),
        "the block lifts after the window");
  }

  @Test
  void noCredentialsAndLoopbackOnlyRefusalsAreNoGuesses() throws Exception {
    var blocking = new Authenticator(vertx, users, new Authenticator.Settings(List.of("guest"), "", "", 1),
        new TokenVerifier(vertx, JwtSettings.OFF), new FailedLogins(2, 60_000, System::nanoTime));
    for (int i = 0; i < 3; i++) {
      assertEquals(ErrorCode.ACCESS_REFUSED, refusal(blocking.anonymous("10.0.0.1", "test")));
      assertEquals(ErrorCode.ACCESS_REFUSED, refusal(blocking.login("guest", "guest", "10.0.0.1", "test")));
      assertEquals(ErrorCode.ACCESS_REFUSED, refusal(blocking.login("bob", null, "10.0.0.1", "test")));
    }
    assertEquals("bob", blocking.login("bob", "s3cret", "10.0.0.1", "test").await(10, TimeUnit.SECONDS).name());
  }

  @Test
  void aClientWithoutAnAddressIsNeverBlocked() throws Exception {
    var blocking = new Authenticator(vertx, users, new Authenticator.Settings(List.of("guest"), "guest", "guest", 1),
        new TokenVerifier(vertx, JwtSettings.OFF), new FailedLogins(1, 60_000, System::nanoTime));
    assertEquals(ErrorCode.ACCESS_REFUSED, refusal(blocking.login("bob", "wrong", null, "eventbus")));
    assertEquals("bob", blocking.login("bob", "s3cret", null, "eventbus").await(10, TimeUnit.SECONDS).name());
  }

  @Test
  void everyLoginIsCountedByItsResult() throws Exception {
    var counted = new CopyOnWriteArrayList<String>();
    users.audit().observer(new AuditObserver() {
      @Override
      public void login(Login result, String transport) {
        counted.add(result.label() + "/" + transport);
      }

      @Override
      public void denied(Audit.Denial denial) {
      }
    });
    var blocking = new Authenticator(vertx, users, new Authenticator.Settings(List.of("guest"), "guest", "guest", 1),
        new TokenVerifier(vertx, JwtSettings.OFF), new FailedLogins(1, 60_000, System::nanoTime));
    blocking.login("bob", "s3cret", "10.0.0.1", "stomp").await(10, TimeUnit.SECONDS);
    blocking.login("bob", "s3cret", "10.0.0.1", "stomp").await(10, TimeUnit.SECONDS);
    refusal(blocking.login("bob", "wrong", "10.0.0.1", "http"));
    refusal(blocking.login("bob", "s3cret", "10.0.0.1", "http"));
    assertEquals(List.of("success/stomp", "success/stomp", "failure/http", "blocked/http"), counted);
  }

  private static String reason(Future<?> f) {
    return failure(f).reason();
  }

}
