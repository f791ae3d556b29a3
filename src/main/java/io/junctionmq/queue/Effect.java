package io.junctionmq.queue;

/**
 * What the queue state machine asks its host to do, beside its reply (see {@link Result}).
 * The host carries effects out in order.
 */
public sealed interface Effect {

  /**
   * A message leaves the queue as a dead letter: republish it to the dead-letter exchange,
   * then (when {@code stored}) remove it from its store.
   */
  record DeadLetter(QueuedMessage message, QueuePolicy.Reason reason, boolean stored) implements Effect {
  }

  /** Hand a message to a consumer under a delivery tag. */
  record Deliver(String consumerTag, long deliveryTag, QueuedMessage message) implements Effect {
  }

  /** Remove a settled message from its store. */
  record Remove(QueuedMessage message) implements Effect {
  }

  /** Read the next messages of the tail, {@code afterSeq < seq <= upToSeq}, into the window. */
  record PageIn(long afterSeq, long upToSeq, int limit, long generation) implements Effect {
  }

  /** Remove every stored message with {@code seq <= upToSeq} but the unacked ones in {@code keep}. */
  record PurgeStore(long upToSeq, long[] keep) implements Effect {
  }

  /** The queue had consumers and now has none (auto-delete queues delete themselves). */
  record LastConsumerGone() implements Effect {
  }
}
