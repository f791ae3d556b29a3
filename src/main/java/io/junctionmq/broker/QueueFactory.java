package io.junctionmq.broker;

import io.junctionmq.cluster.QueueEntry;
import io.junctionmq.cluster.QueueOwnership;
import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueArguments;
import io.junctionmq.queue.DeadLetterSink;
import io.junctionmq.queue.LeaseClock;
import io.junctionmq.queue.MessageLatency;
import io.junctionmq.queue.QueueLimits;
import io.junctionmq.queue.QueuePolicy;
import io.junctionmq.queue.QueueVerticle;
import io.junctionmq.store.MessageStore;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Builds the verticle of each queue this node comes to own, wired to the broker: its dead
 * letters are published as any message is, its last consumer leaving may delete it
 * (auto-delete) or start its {@code x-expires}, and it holds deliveries while the node's
 * lease clock has run out.
 */
final class QueueFactory implements QueueOwnership.Hooks {
  private final QueueLimits limits;
  private final MessageStore durableStore;
  private final MessageStore memoryStore;
  private final Publishing publishing;
  private final BiConsumer<String, String> lastConsumerGone;
  private final QueueExpiry expiry;
  private final Supplier<LeaseClock> leaseClock;
  private MessageLatency latency = MessageLatency.NONE;

  QueueFactory(QueueLimits limits, MessageStore durableStore, MessageStore memoryStore, Publishing publishing,
               BiConsumer<String, String> lastConsumerGone, QueueExpiry expiry, Supplier<LeaseClock> leaseClock) {
    this.limits = limits;
    this.durableStore = durableStore;
    this.memoryStore = memoryStore;
    this.publishing = publishing;
    this.lastConsumerGone = lastConsumerGone;
    this.expiry = expiry;
    this.leaseClock = leaseClock;
  }

  /** Where sampled delivery latencies go (metrics). Set before the broker starts. */
  void latency(MessageLatency latency) {
    this.latency = latency;
  }

  @Override
  public QueueVerticle verticle(long id, Queue queue, long epoch) {
    var policy = QueuePolicy.of(QueueArguments.parse(queue.arguments()));
    String vhost = queue.vhost();
    DeadLetterSink deadLetters = letter -> publishing.publish(vhost, letter, false).mapEmpty();
    return new QueueVerticle(queue.name(), id, epoch, queue.durable(), limits, policy, durableStore, memoryStore,
        deadLetters, () -> lastConsumerGone.accept(vhost, queue.name()))
        .leaseClock(leaseClock.get()).latency(latency);
  }

  @Override
  public void owned(QueueEntry q) {
    expiry.used(q);
  }

  @Override
  public void released(QueueEntry q) {
    expiry.forget(q);
  }
}
