package io.junctionmq.broker;

import io.junctionmq.cluster.Membership;
import io.junctionmq.security.UserDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * This node's client connections, of every protocol: the one place that lists them, holds them
 * to the connection limits of their vhost and user ({@link ConnectionLimits}, counted across the
 * cluster by {@link ConnectionGossip}), and logs {@code connection.opened}, {@code
 * connection.refused} and {@code connection.closed}.
 */
final class Connections {
  private static final Logger log = LoggerFactory.getLogger(Connections.class);

  private final String self;
  private final Catalog catalog;
  private final Publishing publishing;
  private final Consumers consumers;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, ClientConnection> open = new ConcurrentHashMap<>();
  private final ConnectionLimits limits;
  /** Null when the node is not clustered. */
  private final ConnectionGossip gossip;
  private final Listings listings;

  Connections(Vertx vertx, Membership membership, UserDatabase users, Catalog catalog, Publishing publishing,
              Consumers consumers) {
    this.self = membership.self();
    this.catalog = catalog;
    this.publishing = publishing;
    this.consumers = consumers;
    this.limits = new ConnectionLimits(users);
    this.gossip = vertx.isClustered() ? new ConnectionGossip(vertx, membership, limits) : null;
    if (gossip != null) {
      limits.elsewhere(gossip);
    }
    this.listings = new Listings(vertx, membership, this::list, consumers::list, this::close);
    users.onUserDeleted(this::closeAllOf);
  }

  void start() {
    if (gossip != null) {
      gossip.start();
    }
    listings.start();
  }

  Future<Void> stop() {
    return (gossip == null ? Future.<Void>succeededFuture() : gossip.stop()).eventually(listings::stop);
  }

  /** The cluster's connections and consumers. */
  Listings listings() {
    return listings;
  }

  /**
   * Opens a connection; {@code guard} checks its operations (null: the embedding application,
   * trusted). Throws LIMIT_REACHED when its vhost or its user has all the connections its limit
   * allows.
   */
  Connection connect(ClientInfo client, Guard guard) {
    boolean limited;
    try {
      limited = limits.open(client);
    } catch (RuntimeException e) {
      event(log.atWarn(), "connection.refused", null, client).addKeyValue("reason", e.getMessage())
          .log("{} connection refused: {}", client.protocol(), e.getMessage());
      throw e;
    }
    if (limited && gossip != null) {
      gossip.changed();
    }
    var c = new ClientConnection("conn-" + self + "-" + ids.incrementAndGet(), client, guard, catalog, publishing,
        consumers, this);
    open.put(c.id(), c);
    event(log.atInfo(), "connection.opened", c.id(), client)
        .log("{} connection opened", client.protocol());
    return c;
  }

  /** A user was deleted: its connections close. */
  void closeAllOf(String user) {
    for (ClientConnection c : open.values()) {
      if (c.client().user() != null && c.client().user().name().equals(user)) {
        c.closeByBroker("user '" + user + "' was deleted");
      }
    }
  }

  List<ConnectionInfo> list() {
    return open.values().stream().map(c -> c.info(self)).toList();
  }

  /** Closes connection {@code id} if it is open here and {@code user}'s (null: anyone's); whether it did. */
  private boolean close(String id, String reason, String user) {
    ClientConnection c = id == null ? null : open.get(id);
    if (c == null || (user != null && (c.client().user() == null || !c.client().user().name().equals(user)))) {
      return false;
    }
    c.closeByBroker(reason);
    return true;
  }

  /** {@code c} closes now, for {@code reason}: it is no longer listed. */
  void closing(ClientConnection c, String reason, Map<String, Object> details) {
    open.remove(c.id());
    if (limits.closed(c.client()) && gossip != null) {
      gossip.changed();
    }
    var event = event(log.atInfo(), "connection.closed", c.id(), c.client()).addKeyValue("reason", reason);
    for (var d : details.entrySet()) {
      event = event.addKeyValue(d.getKey(), d.getValue());
    }
    event.addKeyValue("duration_ms", c.ageMillis()).log("{} connection closed", c.client().protocol());
  }

  /** The event's fields: the connection's id (none for a refused one), then the client's facts. */
  private static LoggingEventBuilder event(LoggingEventBuilder builder, String event, String id, ClientInfo client) {
    var e = builder.addKeyValue("event", event);
    if (id != null) {
      e = e.addKeyValue("connection", id);
    }
    e = e.addKeyValue("protocol", client.protocol());
    if (client.remote() != null) {
      e = e.addKeyValue("remote", client.remote());
    }
    if (client.vhost() != null) {
      e = e.addKeyValue("vhost", client.vhost());
    }
    if (client.user() != null) {
      e = e.addKeyValue("user", client.user().name());
    }
    for (var d : client.details().entrySet()) {
      e = e.addKeyValue(d.getKey(), d.getValue());
    }
    return e;
  }
}
