package io.junctionmq.queue;

import io.junctionmq.model.QueueStats;

/**
 * A queue's running totals for its {@link QueueStats}, and the sampled time from enqueue to
 * first delivery. On the queue's context only.
 */
final class QueueCounters {
  private final DeliverySampler sampler = new DeliverySampler();
  private final MessageLatency latency;
  private long published;
  private long delivered;
  private long acknowledged;
  private long redelivered;
  private long deadLettered;
  private long deduplicated;

  QueueCounters(MessageLatency latency) {
    this.latency = latency;
  }

  void published(QueuedMessage m) {
    published++;
    if (sampler.samples(m.seq)) {
      sampler.enqueued(m.seq, System.nanoTime());
    }
  }

  /** A message was handed out, pushed to a consumer or taken by a get. */
  void delivered(QueuedMessage m) {
    delivered++;
    if (m.redelivered()) {
      redelivered++;
    } else if (m.deliveryCount == 1 && sampler.size() > 0) {
      long took = sampler.delivered(m.seq, System.nanoTime());
      if (took >= 0) {
        latency.delivered(took);
      }
    }
  }

  void acknowledged(int count) {
    acknowledged += count;
  }

  void deadLettered() {
    deadLettered++;
  }

  /** A publish was confirmed without being stored: its message id was accepted within the window. */
  void deduplicated() {
    deduplicated++;
  }

  QueueStats stats(QueueState state) {
    return new QueueStats(state.messagesReady(), state.messagesUnacknowledged(), state.messageBytesReady(),
        state.consumerCount(), published, delivered, acknowledged, redelivered, deadLettered, state.windowMessages(),
        state.windowBytes(), deduplicated, state.singleActiveConsumer());
  }
}
