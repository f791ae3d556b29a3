package io.junctionmq.queue;

import io.junctionmq.model.Message;

/**
 * A message at its place in a queue. {@code durable} says which store holds it: PostgreSQL
 * (a persistent message in a durable queue) or memory. Only the queue's owner touches it. It
 * is also the reply to an accepted enqueue ({@link Enqueued}), so that accepting a message
 * allocates nothing more.
 */
public final class QueuedMessage implements Enqueued {
  final long seq;
  final Message message;
  final boolean durable;
  final int weight;
  final long expiresAt;
  int deliveryCount;

  public QueuedMessage(long seq, Message message, boolean durable, int deliveryCount, long expiresAt) {
    this.seq = seq;
    this.message = message;
    this.durable = durable;
    this.weight = message.weight();
    this.deliveryCount = deliveryCount;
    this.expiresAt = expiresAt;
  }

  public long seq() {
    return seq;
  }

  public Message message() {
    return message;
  }

  /** When it expires (epoch millis), or {@link QueuePolicy#NEVER}. */
  public long expiresAt() {
    return expiresAt;
  }

  public boolean durable() {
    return durable;
  }

  /** How many times it has been handed to a consumer, this delivery included. */
  public int deliveryCount() {
    return deliveryCount;
  }

  public boolean redelivered() {
    return deliveryCount > 1;
  }

  @Override
  public String toString() {
    return "QueuedMessage[seq=" + seq + ", deliveries=" + deliveryCount + "]";
  }
}
