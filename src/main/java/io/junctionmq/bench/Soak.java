package io.junctionmq.bench;

import io.junctionmq.store.PgPools;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;

/**
 * Samples a soak run ({@code bench --samples DIR}, driven by bench/soak.sh): every interval the
 * rates and p99 of the interval, the heap after a full GC, and what PostgreSQL holds for the
 * messages — the message table's size on disk (indexes and TOAST included), its dead and live
 * tuples, the WAL directory and all databases. Appends each sample to {@code DIR/soak.csv} as
 * it goes; {@link #finish} draws {@code DIR/soak.png} and prints the slopes of the last
 * {@value #SLOPE_WINDOW_S} seconds. Called from the bench's main thread, never an event loop.
 */
final class Soak implements AutoCloseable {
  static final String HEADER =
      "t_s,sent_per_s,recv_per_s,p99_ms,heap_mib,table_mib,dead_tuples,live_tuples,wal_mib,databases_mib";
  static final int SLOPE_WINDOW_S = 1200;
  private static final long QUERY_TIMEOUT_S = 10;
  private static final double MIB = 1024 * 1024;
  private static final String STORAGE = "SELECT pg_total_relation_size('message'),"
      + " coalesce((SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'message'), 0),"
      + " coalesce((SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'message'), 0),"
      + " (SELECT sum(pg_database_size(datname)) FROM pg_database), ";
  // pg_ls_waldir() needs a superuser or pg_monitor; without either the WAL column is -1.
  private static final String WAL = "(SELECT coalesce(sum(size), 0) FROM pg_ls_waldir())";

  /** One row of soak.csv. */
  record Sample(int t, double sent, double received, double p99, double heapMib, double tableMib, long deadTuples,
                long liveTuples, double walMib, double databasesMib) {
    String csv() {
      return String.format(Locale.ROOT, "%d,%.0f,%.0f,%.3f,%.1f,%.2f,%d,%d,%.1f,%.1f", t, sent, received, p99, heapMib,
          tableMib, deadTuples, liveTuples, walMib, databasesMib);
    }
  }

  private final Pool pool;
  private final Path dir;
  private final int intervalS;
  private final PrintStream out;
  private final PrintWriter csv;
  private final List<Sample> samples = new ArrayList<>();
  private boolean walReadable = true;

  private Soak(Pool pool, Path dir, int intervalS, PrintStream out, PrintWriter csv) {
    this.pool = pool;
    this.dir = dir;
    this.intervalS = intervalS;
    this.out = out;
    this.csv = csv;
  }

  static Soak open(Vertx vertx, String pgUri, Path dir, int intervalS, PrintStream out) throws IOException {
    Files.createDirectories(dir);
    var csv = new PrintWriter(Files.newBufferedWriter(dir.resolve("soak.csv")), true);
    csv.println(HEADER);
    out.println("bench: sampling every " + intervalS + " s into " + dir.resolve("soak.csv"));
    return new Soak(PgPools.create(vertx, pgUri, 1), dir, intervalS, out, csv);
  }

  int intervalS() {
    return intervalS;
  }

  /** Takes the sample of second {@code t}, with the figures of the interval that ends there. */
  void sample(int t, Stats.Window window) throws TimeoutException {
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    Row r = storage();
    var s = new Sample(t, window.sent(), window.received(), window.p99(), heap / MIB, r.getLong(0) / MIB,
        r.getLong(1), r.getLong(2), walReadable ? r.getLong(4) / MIB : -1, r.getLong(3) / MIB);
    samples.add(s);
    csv.println(s.csv());
    out.printf(Locale.ROOT, "soak: t=%ds sent=%.0f/s p99=%.1fms heap=%.0fMiB table=%.1fMiB dead=%d wal=%.0fMiB"
        + " databases=%.0fMiB%n", t, s.sent, s.p99, s.heapMib, s.tableMib, s.deadTuples, s.walMib, s.databasesMib);
  }

  private Row storage() throws TimeoutException {
    if (walReadable) {
      try {
        return query(STORAGE + WAL);
      } catch (RuntimeException e) {
        walReadable = false;
        out.println("soak: the WAL directory is not readable (" + e.getMessage() + "); its column is -1");
      }
    }
    return query(STORAGE + "0");
  }

  private Row query(String sql) throws TimeoutException {
    return pool.query(sql).execute().await(QUERY_TIMEOUT_S, TimeUnit.SECONDS).iterator().next();
  }

  /** Draws the chart and prints the slopes of the last {@value #SLOPE_WINDOW_S} seconds. */
  void finish() {
    if (samples.size() < 2) {
      out.println("soak: fewer than two samples, no slopes");
      return;
    }
    Path png = dir.resolve("soak.png");
    try {
      SoakChart.write(samples, png);
      out.println("soak: chart in " + png);
    } catch (IOException | RuntimeException | Error e) {
      // A JDK without fonts or AWT cannot draw; the CSV holds the same figures.
      out.println("soak: no chart (" + e + ")");
    }
    List<Sample> last = lastWindow();
    double meanSent = last.stream().mapToDouble(Sample::sent).average().orElse(0);
    double sentSlope = slopePer10Min(last, Sample::sent);
    out.printf(Locale.ROOT, "SOAK window=%ds samples=%d sent=%.0f throughput-slope=%.2f%%/10min p99-max=%.1fms"
            + " heap-slope=%.2fMiB/10min table-slope=%.2fMiB/10min table-max=%.1fMiB wal-slope=%.2fMiB/10min"
            + " databases-slope=%.2fMiB/10min%n",
        last.get(last.size() - 1).t - last.get(0).t, last.size(), meanSent,
        meanSent == 0 ? 0 : 100 * sentSlope / meanSent, last.stream().mapToDouble(Sample::p99).max().orElse(0),
        slopePer10Min(last, Sample::heapMib), slopePer10Min(last, Sample::tableMib),
        last.stream().mapToDouble(Sample::tableMib).max().orElse(0), slopePer10Min(last, Sample::walMib),
        slopePer10Min(last, Sample::databasesMib));
  }

  /** The samples of the last {@value #SLOPE_WINDOW_S} s, or of the last two thirds of a shorter run. */
  private List<Sample> lastWindow() {
    int end = samples.get(samples.size() - 1).t;
    int from = end > 3 * SLOPE_WINDOW_S / 2 ? end - SLOPE_WINDOW_S : end / 3;
    return samples.stream().filter(s -> s.t >= from).toList();
  }

  /** The least-squares slope of {@code y} over time, per ten minutes. */
  static double slopePer10Min(List<Sample> samples, ToDoubleFunction<Sample> y) {
    double n = samples.size();
    double meanT = samples.stream().mapToDouble(Sample::t).sum() / n;
    double meanY = samples.stream().mapToDouble(y).sum() / n;
    double cov = 0;
    double var = 0;
    for (Sample s : samples) {
      cov += (s.t - meanT) * (y.applyAsDouble(s) - meanY);
      var += (s.t - meanT) * (s.t - meanT);
    }
    return var == 0 ? 0 : 600 * cov / var;
  }

  @Override
  public void close() {
    csv.close();
    try {
      pool.close().await(QUERY_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      out.println("soak: closing the sampling pool timed out");
    }
  }
}
