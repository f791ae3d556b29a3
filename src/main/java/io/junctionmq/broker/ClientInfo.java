package io.junctionmq.broker;

import io.junctionmq.security.Identity;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A client connection as its transport opens it: its protocol ({@code stomp}, {@code
 * http-stream}, {@code http-publish}, {@code eventbus}), a name for connection lists, the
 * peer's address (null when there is none, as on the event bus), the vhost it works in (null
 * when it names none), its user (null for the application the broker is embedded in, which
 * is trusted), and the protocol's own facts for the log, in the order they were added (STOMP's
 * version and transport, a stream's queue).
 */
public record ClientInfo(String protocol, String name, String remote, String vhost, Identity user,
                         Map<String, Object> details) {

  public ClientInfo {
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static ClientInfo of(String protocol, String name, String remote) {
    return new ClientInfo(protocol, name, remote, null, null, Map.of());
  }

  /** This client, working in {@code vhost}. */
  public ClientInfo vhost(String vhost) {
    return new ClientInfo(protocol, name, remote, vhost, user, details);
  }

  /** This client, logged in as {@code user}. */
  public ClientInfo user(Identity user) {
    return new ClientInfo(protocol, name, remote, vhost, user, details);
  }

  /** This client with one more fact; a null value adds nothing. */
  public ClientInfo with(String key, Object value) {
    if (value == null) {
      return this;
    }
    var more = new LinkedHashMap<>(details);
    more.put(key, value);
    return new ClientInfo(protocol, name, remote, vhost, user, more);
  }
}
