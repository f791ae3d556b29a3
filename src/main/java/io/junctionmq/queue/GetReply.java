package io.junctionmq.queue;

/** The reply to {@link QueueState#get} (AMQP's {@code basic.get}). */
public sealed interface GetReply {

  /**
   * The head is being paged in from the stores, or waits for a delivered-up-to to be saved:
   * ask again once {@link QueueState#pagedIn} or {@link QueueState#reserved} ran.
   */
  PagingIn PAGING_IN = new PagingIn();

  /**
   * The queue's head, handed to {@code holderTag} under {@code deliveryTag} (settled already
   * with {@code AckMode.AUTO}); {@code messageCount} ready messages are left.
   */
  record Taken(String holderTag, long deliveryTag, QueuedMessage message, long messageCount) implements GetReply {
  }

  /**
   * Nothing to hand out: no message is ready, or the queue is being handed to another node
   * ({@code messageCount} then counts the ready messages it keeps for the next owner).
   */
  record Empty(long messageCount) implements GetReply {
  }

  /** See {@link #PAGING_IN}. */
  record PagingIn() implements GetReply {
  }
}
