package io.junctionmq.queue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Message;
import io.junctionmq.model.QueueStats;
import io.vertx.core.Context;
import io.vertx.core.Future;

/**
 * A queue as its callers see it, whether its owner is this node (a {@link QueueVerticle})
 * or another one (reached over the event bus). Every method may be called from any thread.
 */
public interface QueueLink {

  /** Enqueues a message; completes when the queue's store holds it. */
  Future<Void> enqueue(Message message);

  /** Adds a consumer whose deliveries go to {@code sink} on {@code consumerContext}. */
  Future<Void> consume(String consumerTag, int prefetch, AckMode mode, Context consumerContext, DeliverySink sink);

  /** Removes a consumer; its unacked messages go back to the queue. */
  Future<Void> cancel(String consumerTag);

  Future<Void> ack(String consumerTag, long deliveryTag, boolean multiple);

  Future<Void> nack(String consumerTag, long deliveryTag, boolean multiple, boolean requeue);

  /** An AUTO consumer processed {@code count} deliveries; no reply. */
  void credit(String consumerTag, int count);

  /** Removes every ready message; completes with how many. */
  Future<Long> purge();

  /** The latest counts known here (for a remote queue, as its owner last reported them). */
  QueueStats stats();
}
