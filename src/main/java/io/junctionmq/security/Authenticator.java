package io.junctionmq.security;

import io.junctionmq.async.Hop;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs clients in, for every transport: a user name and password checked against the
 * {@link UserDatabase} (off the event loops: a hash costs milliseconds by design); a client
 * that brings no credentials is the anonymous user (RabbitMQ 4's {@code anonymous_login_user},
 * {@code guest} by default); users listed as loopback-only ({@code guest} by default, as
 * RabbitMQ's {@code loopback_users}) may connect only from a loopback address. A refused
 * login answers after a delay, against guessing. A password that checked out is remembered
 * for a minute (a digest of it, never the password), so that an HTTP client sending Basic
 * credentials with every request does not pay a hash each time. A JSON Web Token logs in its
 * own user, with the permissions of its scopes ({@link TokenVerifier}). An address with too
 * many failed logins is blocked for a while ({@link FailedLogins}): its logins are refused
 * unchecked. Every login is counted, and logged, by the {@link Audit}.
 */
public final class Authenticator {
  private static final long REMEMBER_NANOS = 60_000_000_000L;

  /**
   * @param loopbackUsers users that may log in only from a loopback address
   * @param anonymousUser who a client without credentials is (null: credentials are required)
   * @param anonymousPassword that user's password, checked as any other
   * @param failureDelayMs how long a refused login waits before it answers
   */
  public record Settings(List<String> loopbackUsers, String anonymousUser, String anonymousPassword,
                         long failureDelayMs) {
  }

  private final Vertx vertx;
  private final UserDatabase users;
  private final Settings settings;
  private final TokenVerifier tokens;
  private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
  private final FailedLogins failed;
  private final Audit audit;

  public Authenticator(Vertx vertx, UserDatabase users, Settings settings) {
    this(vertx, users, settings, new TokenVerifier(vertx, JwtSettings.OFF), FailedLogins.none());
  }

  public Authenticator(Vertx vertx, UserDatabase users, Settings settings, TokenVerifier tokens, FailedLogins failed) {
    this.vertx = vertx;
    this.users = users;
    this.settings = settings;
    this.tokens = tokens;
    this.failed = failed;
    this.audit = users.audit();
  }

  private record Remembered(byte[] digest, String storedHash, long until) {
  }

  /**
   * Logs {@code username} in with {@code password} from {@code remoteHost} (an IP address, or
   * null when the transport has none: the event bus, inside the trusted cluster). Completes
   * with the identity; fails ACCESS_REFUSED, after the failure delay.
   */
  public Future<Identity> login(String username, String password, String remoteHost, String transport) {
    long blockedMs = remoteHost == null ? 0 : failed.blockedFor(remoteHost);
    if (blockedMs > 0) {
      audit.blocked(transport);
      return delayed(ErrorCode.ACCESS_REFUSED.error("login refused: too many failed logins from " + remoteHost
          + "; try again in " + (blockedMs + 999) / 1000 + " s"));
    }
    if (username == null || password == null) {
      return refused(username, remoteHost, transport, "no credentials");
    }
    User user = users.user(username).orElse(null);
    if (user == null) {
      return wrong(username, remoteHost, transport, "unknown user");
    }
    if (settings.loopbackUsers().contains(username) && remoteHost != null && !loopback(remoteHost)) {
      return refused(username, remoteHost, transport, "user may connect only from localhost");
    }
    byte[] digest = digest(username, password);
    Remembered r = remembered.get(username);
    if (r != null && r.until - System.nanoTime() > 0 && MessageDigest.isEqual(r.digest, digest)
        && r.storedHash.equals(user.passwordHash())) {
      audit.loggedIn(username, remoteHost, transport, false);
      return Future.succeededFuture(users.identity(username));
    }
    return vertx.executeBlocking(() -> Passwords.verify(user, password), false).compose(ok -> {
      if (!ok) {
        return wrong(username, remoteHost, transport, "invalid credentials");
      }
      if (user.passwordHash() != null) {
        remembered.put(username, new Remembered(digest, user.passwordHash(), System.nanoTime() + REMEMBER_NANOS));
      }
      audit.loggedIn(username, remoteHost, transport, true);
      return Future.succeededFuture(users.identity(username));
    });
  }

  /**
   * Logs in the user of a JSON Web Token, from {@code remoteHost} over {@code transport}.
   * Completes with the identity, whose permissions and tags are the token's scopes; fails
   * ACCESS_REFUSED, after the failure delay, saying why the token is refused (and when tokens
   * are not accepted: then a token is just a wrong password).
   */
  public Future<Identity> loginWithToken(String token, String remoteHost, String transport) {
    if (!tokens.enabled()) {
      return refused(null, remoteHost, transport, "tokens are not accepted (auth.jwt.keys and auth.jwt.jwks-url"
          + " are empty)");
    }
    if (token == null || token.isEmpty()) {
      return refused(null, remoteHost, transport, "no token");
    }
    return Hop.toCaller(tokens.verify(token)).transform(ar -> {
      if (ar.failed()) {
        return refused(null, remoteHost, transport, "token refused: " + ar.cause().getMessage());
      }
      Identity user = ar.result();
      if (settings.loopbackUsers().contains(user.name()) && remoteHost != null && !loopback(remoteHost)) {
        return refused(user.name(), remoteHost, transport, "user may connect only from localhost");
      }
      audit.loggedIn(user.name(), remoteHost, transport, true);
      return Future.succeededFuture(user);
    });
  }

  /** A client without credentials: the anonymous user, if there is one. */
  public Future<Identity> anonymous(String remoteHost, String transport) {
    if (settings.anonymousUser() == null || settings.anonymousUser().isEmpty()) {
      return refused(null, remoteHost, transport, "credentials required");
    }
    return login(settings.anonymousUser(), settings.anonymousPassword(), remoteHost, transport);
  }

  /**
   * A wrong user name or password: a guess, which counts against its address. (A client that
   * brought no credentials, or a loopback-only user from elsewhere, guessed nothing.)
   */
  private <T> Future<T> wrong(String username, String remoteHost, String transport, String why) {
    Future<T> refused = refused(username, remoteHost, transport, why);
    if (remoteHost != null && failed.failed(remoteHost)) {
      audit.blockStarted(remoteHost, transport, failed.max(), failed.blockedFor(remoteHost));
    }
    return refused;
  }

  private <T> Future<T> refused(String username, String remoteHost, String transport, String why) {
    audit.refused(username, remoteHost, transport, why);
    return delayed(ErrorCode.ACCESS_REFUSED.error("login refused"
        + (username == null ? "" : " for user '" + username + "'") + ": " + why));
  }

  private <T> Future<T> delayed(JunctionException e) {
    // Vert.x refuses timers under 1 ms: auth.failure-delay 0 answers at once.
    return settings.failureDelayMs() < 1 ? Future.failedFuture(e)
        : vertx.timer(settings.failureDelayMs()).compose(t -> Future.failedFuture(e));
  }

  /** Whether {@code host} is an IP address on the loopback interface (no DNS: a name is not loopback). */
  static boolean loopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    byte[] address = NetUtil.createByteArrayFromIpAddressString(h);
    if (address == null) {
      return false;
    }
    if (address.length == 4) {
      return address[0] == 127;
    }
    // ::1, or an IPv4-mapped 127.x.y.z
    boolean zeros = true;
    for (int i = 0; i < 10; i++) {
      zeros &= address[i] == 0;
    }
    if (zeros && address[10] == (byte) 0xff && address[11] == (byte) 0xff) {
      return address[12] == 127;
    }
    for (int i = 0; i < 15; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[15] == 1;
  }

  private static byte[] digest(String username, String password) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(username.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      return md.digest(password.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
