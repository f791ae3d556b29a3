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

/** A client connection: the owner of its exclusive queues and of its consumers. */
final class ClientConnection implements Connection {
  private final String id;
  private final String name;
  private final String protocol;
  private final long connectedAt = System.currentTimeMillis();
  private final Connections connections;
  private final Map<String, Consumer> consumers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  ClientConnection(String id, String name, String protocol, Connections connections) {
    this.id = id;
    this.name = name;
    this.protocol = protocol;
    this.connections = connections;
  }

  @Override
  public String id() {
    return id;
  }

  ConnectionInfo info() {
    return new ConnectionInfo(id, name, protocol, connectedAt, consumers.size());
  }

  @Override
  public Future<QueueInfo> declareQueue(Queue queue) {
    return connections.catalog().declareQueue(queue, id);
  }

  @Override
  public Future<PublishResult> publish(String vhost, Message message, boolean mandatory) {
    return connections.publishing().publish(vhost, message, mandatory);
  }

  @Override
  public Future<Consumer> consume(String vhost, String queue, ConsumeOptions options, Handler<Delivery> handler) {
    if (closed) {
      return Future.<Consumer>failedFuture(closedError());
    }
    var tag = new String[1];
    return connections.consumers().consume(vhost, queue, options, handler, id, () -> {
      if (tag[0] != null) {
        consumers.remove(tag[0]);
      }
    }).compose(c -> {
      tag[0] = c.tag();
      consumers.put(c.tag(), c);
      // Put first, then look: either close() sees the consumer, or this sees the close.
      if (closed) {
        // The connection closed while the consumer was being attached: close() may have missed it.
        consumers.remove(c.tag(), c);
        return c.cancel().transform(ar -> Future.<Consumer>failedFuture(closedError()));
      }
      return Future.succeededFuture(c);
    });
  }

  private JunctionException closedError() {
    return ErrorCode.UNAVAILABLE.error("connection " + id + " is closed");
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    var cancels = new ArrayList<Future<Void>>();
    // Whoever removes a consumer cancels it: this loop, or a consume that completes meanwhile.
    consumers.forEach((tag, c) -> {
      if (consumers.remove(tag, c)) {
        cancels.add(c.cancel());
      }
    });
    return Future.join(cancels)
        .transform(ar -> connections.catalog().deleteExclusiveQueues(id))
        .onComplete(ar -> connections.closed(this));
  }
}
