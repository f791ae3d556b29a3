package io.junctionmq.broker;

import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.Queue;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A client connection: the exclusive owner of its exclusive queues, and the owner of its consumers. */
final class ClientConnection implements Connection {
  private final String id;
  private final ClientInfo client;
  /** Checks this connection's operations; null for the embedding application, which is trusted. */
  private final Guard guard;
  private volatile Handler<String> closedHandler = reason -> { };
  private final long connectedAt = System.currentTimeMillis();
  private final long openedNanos = System.nanoTime();
  private final Catalog catalog;
  private final Publishing publishing;
  private final Consumers consumers;
  private final Connections connections;
  private final Map<String, Consumer> own = new ConcurrentHashMap<>();
  private volatile boolean closed;

  ClientConnection(String id, ClientInfo client, Guard guard, Catalog catalog, Publishing publishing,
                   Consumers consumers, Connections connections) {
    this.id = id;
    this.client = client;
    this.guard = guard;
    this.catalog = catalog;
    this.publishing = publishing;
    this.consumers = consumers;
    this.connections = connections;
  }

  @Override
  public String id() {
    return id;
  }

  ClientInfo client() {
    return client;
  }

  long ageMillis() {
    return (System.nanoTime() - openedNanos) / 1_000_000;
  }

  ConnectionInfo info(String node) {
    return new ConnectionInfo(id, client.name(), client.protocol(), connectedAt, own.size(), client.vhost(),
        client.user() == null ? null : client.user().name(), node);
  }

  @Override
  public Future<QueueInfo> declareQueue(Queue queue) {
    if (guard != null) {
      try {
        guard.configureQueue(queue);
      } catch (JunctionException e) {
        return Future.failedFuture(e);
      }
    }
    return catalog.declareQueue(queue, id);
  }

  @Override
  public Future<PublishResult> publish(String vhost, Message message, boolean mandatory) {
    if (guard != null) {
      try {
        guard.publish(vhost, message);
      } catch (JunctionException e) {
        return Future.failedFuture(e);
      }
    }
    return publishing.publish(vhost, message, mandatory);
  }

  @Override
  public Future<Consumer> consume(String vhost, String queue, ConsumeOptions options, Handler<Delivery> handler) {
    if (closed) {
      return Future.<Consumer>failedFuture(closedError());
    }
    if (guard != null) {
      try {
        guard.readQueue(vhost, queue);
      } catch (JunctionException e) {
        return Future.failedFuture(e);
      }
    }
    var tag = new String[1];
    return consumers.consume(vhost, queue, options, handler, id, () -> {
      if (tag[0] != null) {
        own.remove(tag[0]);
      }
    }).compose(c -> {
      tag[0] = c.tag();
      own.put(c.tag(), c);
      // Put first, then look: either close() sees the consumer, or this sees the close.
      if (closed) {
        // The connection closed while the consumer was being attached: close() may have missed it.
        own.remove(c.tag(), c);
        return c.cancel().transform(ar -> Future.<Consumer>failedFuture(closedError()));
      }
      return Future.succeededFuture(c);
    });
  }

  private JunctionException closedError() {
    return ErrorCode.UNAVAILABLE.error("connection " + id + " is closed");
  }

  @Override
  public Connection closedHandler(Handler<String> handler) {
    this.closedHandler = handler;
    return this;
  }

  /** The broker ends the connection (its user was deleted): it closes, and its transport is told. */
  void closeByBroker(String reason) {
    close(reason).onComplete(ar -> closedHandler.handle(reason));
  }

  @Override
  public Future<Void> close(String reason, Map<String, Object> details) {
    synchronized (this) {
      if (closed) {
        return Future.succeededFuture();
      }
      closed = true;
    }
    connections.closing(this, reason, details);
    var cancels = new ArrayList<Future<Void>>();
    // Whoever removes a consumer cancels it: this loop, or a consume that completes meanwhile.
    own.forEach((tag, c) -> {
      if (own.remove(tag, c)) {
        cancels.add(c.cancel());
      }
    });
    return Future.join(cancels).transform(ar -> catalog.deleteExclusiveQueues(id));
  }
}
