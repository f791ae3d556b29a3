package io.junctionmq.store;

import io.junctionmq.model.ErrorCode;

/**
 * A write carried an epoch that is no longer the queue's lease epoch: another node owns it.
 * A client sees {@code queue_unavailable}: the queue moved, a retry reaches its new owner.
 */
public final class FencedException extends StoreException {
  private final long queueId;

  public FencedException(long queueId) {
    super("queue " + queueId + " is owned under a newer lease epoch");
    this.queueId = queueId;
  }

  public long queueId() {
    return queueId;
  }

  @Override
  public ErrorCode code() {
    return ErrorCode.QUEUE_UNAVAILABLE;
  }

  @Override
  public String clientReason() {
    return "the queue moved to another node";
  }
}
