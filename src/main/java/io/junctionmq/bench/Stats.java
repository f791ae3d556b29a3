package io.junctionmq.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts confirmed publishes and deliveries and records publish-to-delivery latency.
 * Producers and consumers record from their event loops (wait-free); one reporting thread
 * calls {@link #tick} once a second. The first {@link #WARMUP_SECONDS} are left out of the
 * result; the latency of deliveries that drain after publishing stopped is kept in it.
 */
final class Stats {
  static final int WARMUP_SECONDS = 1;

  private final int copies;
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder publishFailures = new LongAdder();
  private final LongAdder ackFailures = new LongAdder();
  private final Recorder latency = new Recorder(3);
  // Touched only by the reporting thread.
  private final Histogram measured = new Histogram(3);
  private Histogram interval;
  private Snapshot last;
  private Snapshot warm;
  private Snapshot end;
  // When a run alternates phases without and with scraping: the phase of the coming seconds
  // (-1: none) and, per phase, the confirmed publishes and nanoseconds counted in it.
  private int phase = -1;
  private final List<long[]> phases = new ArrayList<>();
  // Since the last window(): its first snapshot and its latencies.
  private final Histogram windowLatency = new Histogram(3);
  private Snapshot windowFrom;

  private record Snapshot(long nanos, long sent, long received) {
  }

  /** The figures of a run: rates in messages per second, latencies in milliseconds. */
  record Result(double sent, double received, double p50, double p95, double p99, long samples) {
    String line() {
      return String.format(Locale.ROOT, "RESULT sent=%.0f recv=%.0f p50=%.3f p95=%.3f p99=%.3f",
          sent, received, p50, p95, p99);
    }
  }

  /** @param copies deliveries expected per confirmed publish (the fanout) */
  Stats(int copies) {
    this.copies = copies;
  }

  void published() {
    sent.increment();
  }

  void publishFailed() {
    publishFailures.increment();
  }

  void received(long latencyMicros) {
    received.increment();
    latency.recordValue(latencyMicros);
  }

  void ackFailed() {
    ackFailures.increment();
  }

  long publishFailures() {
    return publishFailures.sum();
  }

  long ackFailures() {
    return ackFailures.sum();
  }

  long sent() {
    return sent.sum();
  }

  long receivedCount() {
    return received.sum();
  }

  /** Confirmed copies not yet delivered. */
  long backlog() {
    return Math.max(0, copies * sent.sum() - received.sum());
  }

  /** Starts the clock; what was recorded before is dropped. */
  void start() {
    interval = latency.getIntervalHistogram();
    last = snapshot();
    windowFrom = last;
  }

  /** Rates in messages per second and the p99 in milliseconds of the seconds a window covers. */
  record Window(double seconds, double sent, double received, double p99) {
  }

  /** The figures of the ticks since the last window, or since the start; starts the next. */
  Window window() {
    double secs = Math.max(1e-9, (last.nanos - windowFrom.nanos) / 1e9);
    var w = new Window(secs, (last.sent - windowFrom.sent) / secs, (last.received - windowFrom.received) / secs,
        ms(windowLatency, 99));
    windowLatency.reset();
    windowFrom = last;
    return w;
  }

  /** Closes second {@code t} of the run; returns its progress line. */
  String tick(int t) {
    Snapshot now = snapshot();
    interval = latency.getIntervalHistogram(interval);
    double secs = (now.nanos - last.nanos) / 1e9;
    String line = String.format(Locale.ROOT, "t=%ds sent=%.0f msg/s recv=%.0f msg/s p50=%.3fms p99=%.3fms backlog=%d",
        t, (now.sent - last.sent) / secs, (now.received - last.received) / secs,
        ms(interval, 50), ms(interval, 99), backlog());
    windowLatency.add(interval);
    if (t == WARMUP_SECONDS) {
      warm = now;
    } else if (t > WARMUP_SECONDS) {
      measured.add(interval);
      if (phase >= 0 && end == null) {
        while (phases.size() <= phase) {
          phases.add(new long[2]);
        }
        phases.get(phase)[0] += now.sent - last.sent;
        phases.get(phase)[1] += now.nanos - last.nanos;
      }
    }
    last = now;
    return line;
  }

  /**
   * Sets the phase the next seconds belong to: even phases run without scraping, odd ones
   * with it (see {@link #alternation()}).
   */
  void phase(int phase) {
    this.phase = phase;
  }

  /**
   * The comparison of a run whose phases alternated without and with scraping: the mean
   * publish rate of each kind of phase, their ratio (scraped / plain), and the median of the
   * ratios of each scraped phase to the plain phase before it, which slow drifts of the
   * machine (PostgreSQL checkpoints, table growth) do not sway. Null when the run did not
   * alternate or had no complete pair.
   */
  String alternation() {
    long[] sums = new long[4];
    List<Double> pairRatios = new ArrayList<>();
    StringBuilder rates = new StringBuilder();
    for (int p = 0; p < phases.size(); p++) {
      long[] ph = phases.get(p);
      if (ph[1] == 0) {
        continue;
      }
      int kind = p % 2;
      sums[2 * kind] += ph[0];
      sums[2 * kind + 1] += ph[1];
      double rate = ph[0] / (ph[1] / 1e9);
      rates.append(kind == 0 ? " plain=" : " scraped=").append(Math.round(rate));
      if (kind == 1 && phases.get(p - 1)[1] > 0) {
        long[] before = phases.get(p - 1);
        pairRatios.add(rate / (before[0] / (before[1] / 1e9)));
      }
    }
    if (pairRatios.isEmpty()) {
      return null;
    }
    double plain = sums[0] / (sums[1] / 1e9);
    double scraped = sums[2] / (sums[3] / 1e9);
    pairRatios.sort(null);
    int n = pairRatios.size();
    double median = n % 2 == 1 ? pairRatios.get(n / 2) : (pairRatios.get(n / 2 - 1) + pairRatios.get(n / 2)) / 2;
    return String.format(Locale.ROOT, "bench: phases (msg/s):%s%nSCRAPE-AB plain=%.0f scraped=%.0f ratio=%.3f"
        + " pairs=%d median-pair-ratio=%.3f", rates, plain, scraped, scraped / plain, n, median);
  }

  /** Marks the last tick as the end of publishing: rates are averaged from warm-up to here. */
  void endOfPublishing() {
    end = last;
  }

  Result result() {
    Snapshot from = warm != null ? warm : new Snapshot(last.nanos, 0, 0);
    Snapshot to = end != null ? end : last;
    double secs = Math.max(1e-9, (to.nanos - from.nanos) / 1e9);
    return new Result((to.sent - from.sent) / secs, (to.received - from.received) / secs,
        ms(measured, 50), ms(measured, 95), ms(measured, 99), measured.getTotalCount());
  }

  private Snapshot snapshot() {
    return new Snapshot(System.nanoTime(), sent.sum(), received.sum());
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
