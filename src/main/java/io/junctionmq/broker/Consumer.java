package io.junctionmq.broker;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * A subscription on one queue. Acks name delivery tags of this consumer. An AUTO consumer
 * gets no more than its prefetch ahead of its handler; {@link #pause()} holds further
 * deliveries (for a transport whose socket is full) until {@link #resume()}.
 */
public interface Consumer {

  String tag();

  String queue();

  /** Settles a delivery (and with {@code multiple}, every earlier one); fails UNKNOWN_DELIVERY_TAG. */
  Future<Void> ack(long deliveryTag, boolean multiple);

  /** Rejects deliveries, requeued at their place or removed. */
  Future<Void> nack(long deliveryTag, boolean multiple, boolean requeue);

  /** Stops deliveries to an AUTO consumer after those already sent. */
  void pause();

  void resume();

  /** Ends the subscription; unacked messages go back to the queue. */
  Future<Void> cancel();

  /** Called once when the broker ends the subscription (the queue was deleted). */
  Consumer endHandler(Handler<String> handler);
}
