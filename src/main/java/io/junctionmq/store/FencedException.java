package io.junctionmq.store;

/** A write carried an epoch that is no longer the queue's lease epoch: another node owns it. */
public final class FencedException extends StoreException {
  private final long queueId;

  public FencedException(long queueId) {
    super("queue " + queueId + " is owned under a newer lease epoch");
    this.queueId = queueId;
  }

  public long queueId() {
    return queueId;
  }
}
