package io.junctionmq.queue;

/** What the queue state machine asks its host to do. The host carries effects out in order. */
public sealed interface Effect {

  /** Store a newly enqueued message. */
  record Persist(QueuedMessage message) implements Effect {
  }

  /**
   * A new message is refused: the queue is at its length limit with {@code x-overflow}
   * {@code reject-publish(-dlx)}. Comes first, instead of {@link Persist}.
   */
  record Rejected(QueuedMessage message) implements Effect {
  }

  /**
   * A message leaves the queue as a dead letter: republish it to the dead-letter exchange,
   * then (when {@code stored}) remove it from its store.
   */
  record DeadLetter(QueuedMessage message, QueuePolicy.Reason reason, boolean stored) implements Effect {
  }

  /** Hand a message to a consumer under a delivery tag. */
  record Deliver(String consumerId, long deliveryTag, QueuedMessage message) implements Effect {
  }

  /** Remove a settled message from its store. */
  record Remove(QueuedMessage message) implements Effect {
  }

  /** Read the next messages of the tail, {@code afterSeq < seq <= upToSeq}, into the window. */
  record PageIn(long afterSeq, long upToSeq, int limit, long generation) implements Effect {
  }

  /**
   * Remove every stored message with {@code seq <= upToSeq} but the unacked ones in
   * {@code keep}; {@code count} ready messages were purged.
   */
  record PurgeStore(long upToSeq, long[] keep, long count) implements Effect {
  }

  /** The queue had consumers and now has none (auto-delete queues delete themselves). */
  record LastConsumerGone() implements Effect {
  }
}
