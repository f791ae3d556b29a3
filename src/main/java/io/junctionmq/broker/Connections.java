package io.junctionmq.broker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** This node's client connections. */
final class Connections {
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

  Connection connect(String name, String protocol) {
    var c = new ClientConnection("conn-" + self + "-" + ids.incrementAndGet(), name, protocol, this);
    open.put(c.id(), c);
    return c;
  }

  List<ConnectionInfo> list() {
    return open.values().stream().map(ClientConnection::info).toList();
  }

  Catalog catalog() {
    return catalog;
  }

  Publishing publishing() {
    return publishing;
  }

  Consumers consumers() {
    return consumers;
  }

  void closed(ClientConnection connection) {
    open.remove(connection.id());
  }
}
