package io.junctionmq.store;

import io.junctionmq.model.Message;

/** A message at its place in one queue: {@code seq} orders the queue and is unique in it. */
public record StoredMessage(long seq, Message message) {
}
