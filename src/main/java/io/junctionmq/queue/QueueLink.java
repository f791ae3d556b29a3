package io.junctionmq.queue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Got;
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

  /**
   * Enqueues a message whose earlier enqueue failed QUEUE_UNAVAILABLE: the owner that refused
   * to store it may have handed it out before its write was fenced, so it is flagged
   * redelivered, as a message may come twice only with the flag the second time.
   */
  Future<Void> enqueueAgain(Message message);

  /** Adds a consumer whose deliveries go to {@code sink} on {@code consumerContext}. */
  Future<Void> consume(String consumerTag, int prefetch, AckMode mode, Context consumerContext, DeliverySink sink);

  /** Removes a consumer, or the holder of gets with that tag; its unacked messages go back to the queue. */
  Future<Void> cancel(String consumerTag);

  Future<Void> ack(String consumerTag, long deliveryTag, boolean multiple);

  Future<Void> nack(String consumerTag, long deliveryTag, boolean multiple, boolean requeue);

  /** An AUTO consumer processed {@code count} deliveries; no reply. */
  void credit(String consumerTag, int count);

  /** Removes every ready message; completes with how many. */
  Future<Long> purge();

  /**
   * Takes the message at the head of the queue (AMQP's basic.get); completes with it, or
   * empty. With a manual {@code mode}, {@code holderTag} holds it until an ack, nack or
   * cancel of that tag. See {@link QueueVerticle#get}.
   */
  Future<Got> get(String holderTag, AckMode mode);

  /** The latest counts known here (for a remote queue, as its owner last reported them). */
  QueueStats stats();
}
