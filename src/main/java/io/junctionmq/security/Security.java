package io.junctionmq.security;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** The users and logins of one node: its {@link UserDatabase}, {@link TokenVerifier} and {@link Authenticator}. */
public final class Security {
  private final Vertx vertx;
  private final AuthSettings settings;
  private final UserDatabase users;
  private final TokenVerifier tokens;
  private final Authenticator authenticator;

  public Security(Vertx vertx, SecurityStore store, AuthSettings settings, String nodeId) {
    this.vertx = vertx;
    this.settings = settings;
    this.users = new UserDatabase(vertx, store, nodeId);
    this.tokens = new TokenVerifier(vertx, settings.jwt());
    this.authenticator = new Authenticator(vertx, users, new Authenticator.Settings(settings.loopbackUsers(),
        settings.anonymousUser(), settings.anonymousPassword(), settings.failureDelayMs()), tokens,
        new FailedLogins(settings.maxFailedLogins(), settings.failedLoginWindowMs(), System::nanoTime));
  }

  /**
   * Loads the users (with none stored, creates the default user: vhost {@code /} must exist) and
   * the keys that tokens are checked against.
   */
  public Future<Void> start() {
    String name = settings.defaultUser();
    return users.start(() -> vertx.executeBlocking(() -> new User(name, Passwords.hash(settings.defaultPassword()),
        Passwords.PBKDF2, List.of(Tag.ADMINISTRATOR.wireName())), false)).compose(v -> tokens.start());
  }

  public Future<Void> stop() {
    return users.stop().eventually(tokens::stop);
  }

  public UserDatabase users() {
    return users;
  }

  public Authenticator authenticator() {
    return authenticator;
  }
}
