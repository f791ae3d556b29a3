package io.junctionmq.store;

/**
 * What a store holds for one queue. {@code maxSeq} is 0 when empty; {@code deliveredUpTo} is
 * the last delivered-up-to saved with {@link MessageStore#saveDeliveredUpTo}.
 */
public record QueueStoreStats(long messages, long bytes, long maxSeq, long deliveredUpTo) {
  public static final QueueStoreStats EMPTY = new QueueStoreStats(0, 0, 0, 0);
}
