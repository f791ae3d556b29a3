package io.junctionmq.queue;

/**
 * Times a sample of a queue's messages from enqueue to first delivery, without a field per
 * message: every {@link MessageLatency#SAMPLE_EVERY}th seq is remembered with its enqueue time
 * in a FIFO of at most {@link #CAPACITY} entries, which works because first deliveries go in
 * seq order. While the FIFO is full (a backlog of more than {@code CAPACITY * SAMPLE_EVERY}
 * messages), no new sample is taken; messages paged in from the store are timed like the rest.
 * Pure; its owner calls it from one thread.
 */
final class DeliverySampler {
  static final int CAPACITY = 4096;
  private static final int INITIAL = 16;

  private long[] seqs = new long[INITIAL];
  private long[] nanos = new long[INITIAL];
  private int head;
  private int size;

  /** Whether the message with {@code seq} is to be timed: asked first, so that only those read the clock. */
  boolean samples(long seq) {
    return seq % MessageLatency.SAMPLE_EVERY == 0 && size < CAPACITY;
  }

  /** A message with {@code seq} was enqueued at {@code now}; remembered if {@link #samples} says so. */
  void enqueued(long seq, long now) {
    if (!samples(seq)) {
      return;
    }
    if (size == seqs.length) {
      grow();
    }
    int tail = (head + size) & (seqs.length - 1);
    seqs[tail] = seq;
    nanos[tail] = now;
    size++;
  }

  /**
   * A message with {@code seq} is delivered for the first time; returns the nanoseconds since
   * it was enqueued, or -1 when it was not sampled. Forgets samples of earlier seqs, which left
   * the queue undelivered (expired, purged, dropped).
   */
  long delivered(long seq, long now) {
    while (size > 0 && seqs[head] < seq) {
      pop();
    }
    if (size == 0 || seqs[head] != seq) {
      return -1;
    }
    long took = now - nanos[head];
    pop();
    return took;
  }

  int size() {
    return size;
  }

  private void pop() {
    head = (head + 1) & (seqs.length - 1);
    size--;
  }

  private void grow() {
    int n = seqs.length;
    long[] s = new long[n * 2];
    long[] t = new long[n * 2];
    for (int i = 0; i < size; i++) {
      s[i] = seqs[(head + i) & (n - 1)];
      t[i] = nanos[(head + i) & (n - 1)];
    }
    seqs = s;
    nanos = t;
    head = 0;
  }
}
