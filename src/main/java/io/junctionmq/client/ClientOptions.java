package io.junctionmq.client;

import java.time.Duration;
import java.util.List;

/**
 * How a {@link JunctionClient} behaves.
 *
 * @param requestTimeout bound on every request, including the wait for a broker node when none is reachable
 * @param heartbeat how often the client tells its broker node it is alive; the node closes a session silent
 *     for three heartbeats (giving its unacked messages back), and the client moves to another node when
 *     its own heartbeat goes unanswered that long
 * @param preferredNodes broker node ids to use first, in order, when they are live; else a random live one
 * @param login the user the client logs in as (null: the broker's anonymous user, {@code guest} by default)
 * @param password that user's password
 */
public record ClientOptions(Duration requestTimeout, Duration heartbeat, List<String> preferredNodes, String login,
                            String password) {
  public static final ClientOptions DEFAULTS = new ClientOptions(Duration.ofSeconds(10), Duration.ofSeconds(2),
      List.of(), null, null);

  public ClientOptions {
    if (requestTimeout.isNegative() || requestTimeout.isZero() || heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("requestTimeout and heartbeat must be positive");
    }
    preferredNodes = List.copyOf(preferredNodes);
  }

  public ClientOptions withRequestTimeout(Duration d) {
    return new ClientOptions(d, heartbeat, preferredNodes, login, password);
  }

  public ClientOptions withHeartbeat(Duration d) {
    return new ClientOptions(requestTimeout, d, preferredNodes, login, password);
  }

  public ClientOptions withPreferredNodes(List<String> nodes) {
    return new ClientOptions(requestTimeout, heartbeat, nodes, login, password);
  }

  /** Logs in as {@code login} with {@code password} on every broker node the client uses. */
  public ClientOptions withCredentials(String login, String password) {
    return new ClientOptions(requestTimeout, heartbeat, preferredNodes, login, password);
  }
}
