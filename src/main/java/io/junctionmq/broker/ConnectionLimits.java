package io.junctionmq.broker;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.security.UserDatabase;
import io.junctionmq.security.UserLimits;
import io.junctionmq.security.VhostLimits;
import java.util.HashMap;
import java.util.Map;

/**
 * RabbitMQ's connection limits: a vhost's {@code max-connections} (for connections that name
 * the vhost) and a user's (for every connection of the user). A connection is counted on this
 * node from its open to its close; the other nodes' connections are added as they last
 * announced them ({@link Elsewhere}), so a limit holds across the cluster up to what the other
 * nodes opened since their last announcement.
 */
final class ConnectionLimits {
  /** The connections of a vhost or a user on the other nodes, as they last announced them. */
  interface Elsewhere {
    Elsewhere NONE = new Elsewhere() {
      @Override
      public int vhost(String vhost) {
        return 0;
      }

      @Override
      public int user(String user) {
        return 0;
      }
    };

    int vhost(String vhost);

    int user(String user);
  }

  /** This node's connections of the vhosts and the users that have a connection limit. */
  record Counts(Map<String, Integer> vhosts, Map<String, Integer> users) {
    static final Counts NONE = new Counts(Map.of(), Map.of());
  }

  private final UserDatabase users;
  private final Map<String, Integer> byVhost = new HashMap<>();
  private final Map<String, Integer> byUser = new HashMap<>();
  private volatile Elsewhere elsewhere = Elsewhere.NONE;

  ConnectionLimits(UserDatabase users) {
    this.users = users;
  }

  void elsewhere(Elsewhere elsewhere) {
    this.elsewhere = elsewhere;
  }

  /**
   * Counts a new connection of {@code client} in; throws LIMIT_REACHED, counting nothing, when
   * its vhost or its user has as many connections as its limit allows. Returns whether the
   * count of a limited vhost or user changed.
   */
  synchronized boolean open(ClientInfo client) {
    String vhost = client.vhost();
    String user = client.user() == null ? null : client.user().name();
    Integer vhostMax = vhostMax(vhost);
    if (vhostMax != null && byVhost.getOrDefault(vhost, 0) + elsewhere.vhost(vhost) >= vhostMax) {
      throw ErrorCode.LIMIT_REACHED.error("the connection limit of vhost '" + vhost + "' (" + vhostMax
          + ") is reached");
    }
    Integer userMax = userMax(user);
    if (userMax != null && byUser.getOrDefault(user, 0) + elsewhere.user(user) >= userMax) {
      throw ErrorCode.LIMIT_REACHED.error("the connection limit of user '" + user + "' (" + userMax + ") is reached");
    }
    if (vhost != null) {
      byVhost.merge(vhost, 1, Integer::sum);
    }
    if (user != null) {
      byUser.merge(user, 1, Integer::sum);
    }
    return vhostMax != null || userMax != null;
  }

  /** A connection that {@link #open} counted in has closed; returns whether the count of a limited vhost or user changed. */
  synchronized boolean closed(ClientInfo client) {
    String vhost = client.vhost();
    String user = client.user() == null ? null : client.user().name();
    if (vhost != null) {
      byVhost.computeIfPresent(vhost, (v, n) -> n > 1 ? n - 1 : null);
    }
    if (user != null) {
      byUser.computeIfPresent(user, (u, n) -> n > 1 ? n - 1 : null);
    }
    return vhostMax(vhost) != null || userMax(user) != null;
  }

  private Integer vhostMax(String vhost) {
    return vhost == null ? null : users.limits(vhost).map(VhostLimits::maxConnections).orElse(null);
  }

  private Integer userMax(String user) {
    return user == null ? null : users.userLimits(user).map(UserLimits::maxConnections).orElse(null);
  }

  /** This node's connections of the vhosts and users that have a connection limit now, for the other nodes. */
  synchronized Counts limited() {
    var vhosts = new HashMap<String, Integer>();
    for (VhostLimits l : users.limits()) {
      if (l.maxConnections() != null) {
        vhosts.put(l.vhost(), byVhost.getOrDefault(l.vhost(), 0));
      }
    }
    var limitedUsers = new HashMap<String, Integer>();
    for (UserLimits l : users.userLimits()) {
      if (l.maxConnections() != null) {
        limitedUsers.put(l.user(), byUser.getOrDefault(l.user(), 0));
      }
    }
    return new Counts(Map.copyOf(vhosts), Map.copyOf(limitedUsers));
  }
}
