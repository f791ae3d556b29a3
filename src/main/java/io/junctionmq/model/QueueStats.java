package io.junctionmq.model;

/**
 * A queue's counts at one moment, read without disturbing the queue. The totals ({@code
 * published} to {@code deadLettered}) count since the queue started on its current owner;
 * {@code windowMessages} and {@code windowBytes} are the ready head held in memory (the
 * {@code queue.window.*} limits apply to them); {@code deduplicated} counts the publishes
 * confirmed but not stored because their message id was accepted within the window, since
 * the queue started on its current owner.
 */
public record QueueStats(long messagesReady, long messagesUnacknowledged, long messageBytesReady,
                         int consumers, long published, long delivered, long acknowledged,
                         long redelivered, long deadLettered, long windowMessages, long windowBytes,
                         long deduplicated) {
  public static final QueueStats EMPTY = new QueueStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

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
