package io.junctionmq.queue;

/** A queue's counts at one moment, read without disturbing the queue. */
public record QueueStats(long messagesReady, long messagesUnacknowledged, long messageBytesReady,
                         int consumers, long published, long delivered, long acknowledged,
                         long redelivered) {
  public static final QueueStats EMPTY = new QueueStats(0, 0, 0, 0, 0, 0, 0, 0);

  public long messages() {
    return messagesReady + messagesUnacknowledged;
  }
}
