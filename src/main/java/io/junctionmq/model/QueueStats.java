package io.junctionmq.model;

/**
 * A queue's counts at one moment, read without disturbing the queue. The totals ({@code
 * published} to {@code deadLettered}) count since the queue started on its current owner;
 * {@code windowMessages} and {@code windowBytes} are the ready head held in memory (the
 * {@code queue.window.*} limits apply to them); {@code deduplicated} counts the publishes
 * confirmed but not stored because their message id was accepted within the window, since
 * the queue started on its current owner. {@code singleActiveConsumer} is the tag of the consumer a
 * single-active-consumer queue serves, as the owner knows it ({@code <node>|<tag>} for a consumer
 * attached from another node), null when the queue has none.
 */
public record QueueStats(long messagesReady, long messagesUnacknowledged, long messageBytesReady,
                         int consumers, long published, long delivered, long acknowledged,
                         long redelivered, long deadLettered, long windowMessages, long windowBytes,
                         long deduplicated, String singleActiveConsumer) {
  public static final QueueStats EMPTY = new QueueStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  public QueueStats {
    // The wire (cluster.Stats) writes "none" as the empty string; a consumer tag is never empty.
    singleActiveConsumer = singleActiveConsumer == null || singleActiveConsumer.isEmpty() ? null : singleActiveConsumer;
  }

  /** Counts of a queue without a single active consumer. */
  public QueueStats(long messagesReady, long messagesUnacknowledged, long messageBytesReady,
                    int consumers, long published, long delivered, long acknowledged,
                    long redelivered, long deadLettered, long windowMessages, long windowBytes, long deduplicated) {
    this(messagesReady, messagesUnacknowledged, messageBytesReady, consumers, published, delivered, acknowledged,
        redelivered, deadLettered, windowMessages, windowBytes, deduplicated, null);
  }

  /** Counts of a queue that deduplicates nothing. */
  public QueueStats(long messagesReady, long messagesUnacknowledged, long messageBytesReady,
                    int consumers, long published, long delivered, long acknowledged,
                    long redelivered, long deadLettered, long windowMessages, long windowBytes) {
    this(messagesReady, messagesUnacknowledged, messageBytesReady, consumers, published, delivered, acknowledged,
        redelivered, deadLettered, windowMessages, windowBytes, 0);
  }

  public long messages() {
    return messagesReady + messagesUnacknowledged;
  }
}
