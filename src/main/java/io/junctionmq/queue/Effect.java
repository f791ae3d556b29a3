package io.junctionmq.queue;

/** What the queue state machine asks its host to do. The host carries effects out in order. */
public sealed interface Effect {

  /** Store a newly enqueued message. */
  record Persist(QueuedMessage message) implements Effect {
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
