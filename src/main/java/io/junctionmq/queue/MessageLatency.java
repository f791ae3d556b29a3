package io.junctionmq.queue;

/**
 * Where the broker reports how long messages take, for metrics. Only a sample of the
 * messages is reported ({@link #SAMPLE_EVERY}), so that the cost per message stays one
 * branch; implementations are called on event loops and must not block.
 */
public interface MessageLatency {
  /** One message in this many is timed. */
  int SAMPLE_EVERY = 8;

  MessageLatency NONE = new MessageLatency() {
    @Override
    public void confirmed(long nanos) {
    }

    @Override
    public void delivered(long nanos) {
    }
  };

  /** A publish was confirmed {@code nanos} after the broker took it. */
  void confirmed(long nanos);

  /** A message was first handed to a consumer {@code nanos} after its queue took it. */
  void delivered(long nanos);
}
