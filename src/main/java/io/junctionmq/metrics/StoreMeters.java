package io.junctionmq.metrics;

import io.junctionmq.store.StoreObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The store's meters: rows per write transaction, commit time, failures; one record per batch. */
final class StoreMeters implements StoreObserver {
  private final DistributionSummary rows;
  private final Timer commit;
  private final Counter writeErrors;
  private final Counter readErrors;

  StoreMeters(MeterRegistry registry) {
    Meters.Meter r = Meters.STORE_BATCH_ROWS;
    this.rows = DistributionSummary.builder(r.name()).description(r.help())
        .serviceLevelObjectives(Meters.BATCH_BUCKETS).register(registry);
    this.commit = LatencyMeters.timer(registry, Meters.STORE_COMMIT);
    this.writeErrors = errors(registry, Meters.WRITE);
    this.readErrors = errors(registry, Meters.READ);
  }

  private static Counter errors(MeterRegistry registry, String operation) {
    Meters.Meter e = Meters.STORE_ERRORS;
    return Counter.builder(e.name()).description(e.help()).tag(Meters.TAG_OPERATION, operation).register(registry);
  }

  List<io.micrometer.core.instrument.Meter> meters() {
    return List.of(rows, commit, writeErrors, readErrors);
  }

  @Override
  public void batch(long rowCount, long nanos, boolean committed) {
    if (committed) {
      rows.record(rowCount);
      commit.record(nanos, TimeUnit.NANOSECONDS);
    } else {
      writeErrors.increment();
    }
  }

  @Override
  public void readFailed() {
    readErrors.increment();
  }
}
