package io.junctionmq.queue;

/**
 * How much of a queue's head stays in memory, and the prefetch given to consumers that ask
 * for none (prefetch 0 means "the default", never unbounded).
 */
public record QueueLimits(int windowMessages, long windowBytes, int defaultPrefetch, int maxPrefetch) {
  public static final QueueLimits DEFAULT = new QueueLimits(10_000, 64L << 20, 1000, 65_535);

  public QueueLimits {
    if (windowMessages < 1 || windowBytes < 1 || defaultPrefetch < 1 || maxPrefetch < defaultPrefetch) {
      throw new IllegalArgumentException("bad queue limits");
    }
  }

  int prefetch(int asked) {
    return asked <= 0 ? defaultPrefetch : Math.min(asked, maxPrefetch);
  }
}
