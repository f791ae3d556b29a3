package io.junctionmq.metrics;

import io.junctionmq.queue.MessageLatency;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The two latency histograms, fed by the broker and its queues with one message in {@value MessageLatency#SAMPLE_EVERY}. */
final class LatencyMeters implements MessageLatency {
  private final Timer confirm;
  private final Timer deliver;

  LatencyMeters(MeterRegistry registry) {
    this.confirm = timer(registry, Meters.PUBLISH_TO_CONFIRM);
    this.deliver = timer(registry, Meters.PUBLISH_TO_DELIVER);
  }

  static Timer timer(MeterRegistry registry, Meters.Meter m) {
    return Timer.builder(m.name()).description(m.help()).serviceLevelObjectives(Meters.LATENCY_BUCKETS)
        .register(registry);
  }

  List<io.micrometer.core.instrument.Meter> meters() {
    return List.of(confirm, deliver);
  }

  @Override
  public void confirmed(long nanos) {
    confirm.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void delivered(long nanos) {
    deliver.record(nanos, TimeUnit.NANOSECONDS);
  }
}
