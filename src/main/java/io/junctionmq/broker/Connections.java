package io.junctionmq.broker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * This node's client connections, of every protocol: the one place that lists them and logs
 * {@code connection.opened} and {@code connection.closed}.
 */
final class Connections {
  private static final Logger log = LoggerFactory.getLogger(Connections.class);

  private final String self;
  private final Catalog catalog;
  private final Publishing publishing;
  private final Consumers consumers;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, ClientConnection> open = new ConcurrentHashMap<>();

  Connections(String self, Catalog catalog, Publishing publishing, Consumers consumers) {
    this.self = self;
    this.catalog = catalog;
    this.publishing = publishing;
    this.consumers = consumers;
  }

  /** Opens a connection; {@code guard} checks its operations (null: the embedding application, trusted). */
  Connection connect(ClientInfo client, Guard guard) {
    var c = new ClientConnection("conn-" + self + "-" + ids.incrementAndGet(), client, guard, catalog, publishing,
        consumers, this);
    open.put(c.id(), c);
    event(log.atInfo(), "connection.opened", c, client.details())
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
    return open.values().stream().map(ClientConnection::info).toList();
  }

  /** {@code c} closes now, for {@code reason}: it is no longer listed. */
  void closing(ClientConnection c, String reason, Map<String, Object> details) {
    open.remove(c.id());
    var event = event(log.atInfo(), "connection.closed", c, c.client().details()).addKeyValue("reason", reason);
    for (var d : details.entrySet()) {
      event = event.addKeyValue(d.getKey(), d.getValue());
    }
    event.addKeyValue("duration_ms", c.ageMillis()).log("{} connection closed", c.client().protocol());
  }

  private static LoggingEventBuilder event(LoggingEventBuilder builder, String event, ClientConnection c,
                                           Map<String, Object> details) {
    ClientInfo client = c.client();
    var e = builder.addKeyValue("event", event).addKeyValue("connection", c.id())
        .addKeyValue("protocol", client.protocol());
    if (client.remote() != null) {
      e = e.addKeyValue("remote", client.remote());
    }
    if (client.vhost() != null) {
      e = e.addKeyValue("vhost", client.vhost());
    }
    if (client.user() != null) {
      e = e.addKeyValue("user", client.user().name());
    }
    for (var d : details.entrySet()) {
      e = e.addKeyValue(d.getKey(), d.getValue());
    }
    return e;
  }
}
