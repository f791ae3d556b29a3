package io.junctionmq.broker;

import io.junctionmq.model.Delivery;
import io.junctionmq.model.Message;
import io.junctionmq.model.Queue;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.Map;

/**
 * A client's connection: it may declare exclusive queues, which only it can consume and
 * which are deleted when it closes; its consumers are cancelled when it closes.
 */
public interface Connection {

  String id();

  Future<QueueInfo> declareQueue(Queue queue);

  Future<PublishResult> publish(String vhost, Message message, boolean mandatory);

  Future<Consumer> consume(String vhost, String queue, ConsumeOptions options, Handler<Delivery> handler);

  /**
   * Called once if the broker closes the connection (its user was deleted), with the reason,
   * so that the transport closes its socket with a clear error.
   */
  Connection closedHandler(Handler<String> handler);

  /**
   * Cancels every consumer (unacked messages go back) and deletes the exclusive queues; logs
   * {@code connection.closed} with {@code reason}, once. Closing again does nothing.
   */
  default Future<Void> close(String reason) {
    return close(reason, Map.of());
  }

  /** As {@link #close(String)}, with the protocol's last facts for the log (what a stream carried, say). */
  Future<Void> close(String reason, Map<String, Object> details);
}
