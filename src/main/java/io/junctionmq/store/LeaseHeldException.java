package io.junctionmq.store;

/** Another node holds an unexpired lease on the queue. */
public final class LeaseHeldException extends StoreException {
  public LeaseHeldException(long queueId, String owner) {
    super("queue " + queueId + " is owned by node " + owner);
  }
}
