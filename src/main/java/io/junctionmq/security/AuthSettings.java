package io.junctionmq.security;

import java.util.List;

/**
 * How clients log in: the user created when the store has none ({@code auth.default-user},
 * with full permissions on {@code /} and the administrator tag), the users that may connect
 * only from a loopback address, who a client without credentials is (null: credentials are
 * required), how long a refused login waits before it answers, how many wrong logins an
 * address may make in a window before its logins are refused for one ({@code
 * maxFailedLogins} 0: no limit), and which tokens are accepted.
 */
public record AuthSettings(String defaultUser, String defaultPassword, List<String> loopbackUsers,
                           String anonymousUser, String anonymousPassword, long failureDelayMs,
                           int maxFailedLogins, long failedLoginWindowMs, JwtSettings jwt) {

  /** RabbitMQ's defaults: guest/guest, from localhost only, and clients without credentials are guest. */
  public static final AuthSettings DEFAULTS = new AuthSettings("guest", "guest", List.of("guest"), "guest", "guest",
      1000, 20, 60_000, JwtSettings.OFF);

  public AuthSettings {
    loopbackUsers = List.copyOf(loopbackUsers);
  }

  /** Without tokens. */
  public AuthSettings(String defaultUser, String defaultPassword, List<String> loopbackUsers, String anonymousUser,
                      String anonymousPassword, long failureDelayMs, int maxFailedLogins, long failedLoginWindowMs) {
    this(defaultUser, defaultPassword, loopbackUsers, anonymousUser, anonymousPassword, failureDelayMs,
        maxFailedLogins, failedLoginWindowMs, JwtSettings.OFF);
  }
}
