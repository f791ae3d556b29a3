package io.junctionmq.store;

import io.junctionmq.model.ErrorCode;

/** Another node holds an unexpired lease on the queue. A client sees {@code queue_unavailable}. */
public final class LeaseHeldException extends StoreException {
  public LeaseHeldException(long queueId, String owner) {
    super("queue " + queueId + " is owned by node " + owner);
  }

  @Override
  public ErrorCode code() {
    return ErrorCode.QUEUE_UNAVAILABLE;
  }

  @Override
  public String clientReason() {
    return "the queue is owned by another node";
  }
}
