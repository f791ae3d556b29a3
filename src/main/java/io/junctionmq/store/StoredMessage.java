package io.junctionmq.store;

import io.junctionmq.model.Message;

/**
 * A message at its place in one queue: {@code seq} orders the queue and is unique in it;
 * {@code expiresAt} is when it expires in this queue (epoch millis, {@link #NEVER} if not).
 */
public record StoredMessage(long seq, Message message, long expiresAt) {
  public static final long NEVER = Long.MAX_VALUE;

  public StoredMessage(long seq, Message message) {
    this(seq, message, NEVER);
  }
}
