package io.junctionmq.metrics;

import io.junctionmq.model.QueueStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The per-queue meters: for each series of {@link QueueSeries}, gauges and counters that read
 * the counts the queue already keeps. Nothing is recorded per message; {@link #refresh} brings
 * the series up to date before each scrape, registering the meters of new series and removing
 * those of queues that are gone.
 */
final class QueueMeters {
  private final MeterRegistry registry;
  private final QueueSeries table;
  private final Map<QueueSeries.Series, List<io.micrometer.core.instrument.Meter>> meters = new HashMap<>();

  QueueMeters(MeterRegistry registry, int maxSeries) {
    this.registry = registry;
    this.table = new QueueSeries(maxSeries);
  }

  /** Takes the queues owned now. One scrape at a time: callers hold the scrape lock. */
  void refresh(List<QueueSeries.Owned> owned) {
    QueueSeries.Change change = table.update(owned);
    for (QueueSeries.Series s : change.removed()) {
      meters.remove(s).forEach(registry::remove);
    }
    for (QueueSeries.Series s : change.added()) {
      meters.put(s, register(s));
    }
  }

  int owned() {
    return table.owned();
  }

  int folded() {
    return table.folded();
  }

  /** Removes every per-queue meter. */
  void close() {
    meters.values().forEach(list -> list.forEach(registry::remove));
    meters.clear();
  }

  private List<io.micrometer.core.instrument.Meter> register(QueueSeries.Series s) {
    Tags tags = Tags.of(Meters.TAG_VHOST, s.vhost, Meters.TAG_QUEUE, s.queue);
    var out = new ArrayList<io.micrometer.core.instrument.Meter>();
    out.add(gauge(Meters.QUEUE_MESSAGES_READY, s, tags, QueueStats::messagesReady));
    out.add(gauge(Meters.QUEUE_MESSAGES_UNACKED, s, tags, QueueStats::messagesUnacknowledged));
    out.add(gauge(Meters.QUEUE_CONSUMERS, s, tags, QueueStats::consumers));
    out.add(gauge(Meters.QUEUE_WINDOW_MESSAGES, s, tags, QueueStats::windowMessages));
    out.add(gauge(Meters.QUEUE_WINDOW_BYTES, s, tags, QueueStats::windowBytes));
    out.add(counter(Meters.QUEUE_PUBLISHED, s, tags, QueueStats::published));
    out.add(counter(Meters.QUEUE_DELIVERED, s, tags, QueueStats::delivered));
    out.add(counter(Meters.QUEUE_ACKED, s, tags, QueueStats::acknowledged));
    out.add(counter(Meters.QUEUE_REDELIVERED, s, tags, QueueStats::redelivered));
    out.add(counter(Meters.QUEUE_DEAD_LETTERED, s, tags, QueueStats::deadLettered));
    out.add(counter(Meters.QUEUE_DEDUPLICATED, s, tags, QueueStats::deduplicated));
    return out;
  }

  private Gauge gauge(Meters.Meter m, QueueSeries.Series s, Tags tags, ToDoubleFunction<QueueStats> value) {
    return Gauge.builder(m.name(), s, series -> value.applyAsDouble(series.stats()))
        .tags(tags).description(m.help()).strongReference(true).register(registry);
  }

  private FunctionCounter counter(Meters.Meter m, QueueSeries.Series s, Tags tags,
                                  ToDoubleFunction<QueueStats> value) {
    return FunctionCounter.builder(m.name(), s, series -> value.applyAsDouble(series.stats()))
        .tags(tags).description(m.help()).register(registry);
  }
}
