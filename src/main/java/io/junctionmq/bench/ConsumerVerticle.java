package io.junctionmq.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One consumer on its own context: records each delivery's latency and, unless the broker
 * acks, acks it at once, one ack per message.
 */
final class ConsumerVerticle extends VerticleBase {
  private static final long CANCEL_TIMEOUT_MS = 5_000;

  private final BenchTarget target;
  private final Stats stats;
  private final LatencyClock clock;
  private final String queue;
  private final int prefetch;
  private final boolean autoAck;
  private BenchTarget.Subscription subscription;
  // Deliveries may overtake the subscription's future; they are acked once it arrives.
  private final List<Long> early = new ArrayList<>();

  ConsumerVerticle(BenchTarget target, Stats stats, LatencyClock clock, String queue, int prefetch, boolean autoAck) {
    this.target = target;
    this.stats = stats;
    this.clock = clock;
    this.queue = queue;
    this.prefetch = prefetch;
    this.autoAck = autoAck;
  }

  @Override
  public Future<?> start() {
    return target.consume(queue, prefetch, autoAck, this::delivered).onSuccess(s -> {
      subscription = s;
      early.forEach(this::ack);
      early.clear();
    });
  }

  /** Cancels the subscription (bounded); unacked deliveries go back to the queue. */
  @Override
  public Future<?> stop() {
    if (subscription == null) {
      return Future.succeededFuture();
    }
    return subscription.cancel()
        .timeout(CANCEL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(e -> Future.succeededFuture());
  }

  private void delivered(byte[] body, long deliveryTag) {
    stats.received(clock.latencyMicros(body));
    if (autoAck) {
      return;
    }
    if (subscription == null) {
      early.add(deliveryTag);
    } else {
      ack(deliveryTag);
    }
  }

  private void ack(long deliveryTag) {
    subscription.ack(deliveryTag).onFailure(e -> stats.ackFailed());
  }
}
