package io.junctionmq.store;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Asks PostgreSQL, through the stores' pool, for the schema version: one cheap query that
 * says both whether the store answers and whether the migrations this code needs are applied.
 * Answers are cached briefly and callers share the query in flight, so that probes arriving
 * together (several checks of one request, several probers) cost one round trip. Never
 * blocks; every answer comes within {@code timeout}. Thread-safe.
 */
public final class StoreProbe {
  static final String QUERY = "SELECT coalesce(max(version), 0) FROM schema_version";
  private static final String UNDEFINED_TABLE = "42P01";

  /**
   * What the last probe found.
   *
   * @param reachable whether PostgreSQL answered
   * @param error why not, when it did not
   * @param schemaVersion the version last read (-1 when never read), kept while the store is unreachable
   * @param latencyMillis how long the last answer took
   */
  public record Result(boolean reachable, String error, int schemaVersion, long latencyMillis) {
  }

  private final Pool pool;
  private final Supplier<Optional<String>> outage;
  private final long timeoutNanos;
  private final long cacheNanos;
  private Result last;
  private long lastAt;
  private Future<Result> pending;
  private long pendingSince;
  private int knownVersion = -1;

  /**
   * @param timeout how long a probe waits for PostgreSQL before it counts the store as unreachable
   * @param cacheFor how long an answer is reused
   */
  public StoreProbe(Pool pool, Duration timeout, Duration cacheFor) {
    this(pool, timeout, cacheFor, Optional::empty);
  }

  /**
   * A probe that first asks {@code outage} whether the store is known to be down, and why (the
   * embedded server exited, say): then it answers that at once, without a query.
   */
  public StoreProbe(Pool pool, Duration timeout, Duration cacheFor, Supplier<Optional<String>> outage) {
    this.pool = pool;
    this.outage = outage;
    this.timeoutNanos = timeout.toNanos();
    this.cacheNanos = cacheFor.toNanos();
  }

  /** Completes (never fails) with the last answer if it is recent, else with a new one within the timeout. */
  public synchronized Future<Result> probe() {
    Optional<String> down = outage.get();
    if (down.isPresent()) {
      return Future.succeededFuture(withKnownVersion(new Result(false, down.get(), -1, 0)));
    }
    long now = System.nanoTime();
    if (last != null && now - lastAt < cacheNanos) {
      return Future.succeededFuture(last);
    }
    // A query that has hung for long (a connection cut off without a reset) is given up, so
    // that a store that came back is seen; a merely slow one is waited for, not duplicated.
    if (pending == null || now - pendingSince > 10 * timeoutNanos) {
      pendingSince = now;
      Future<Result> query = query(now);
      pending = query;
      query.onComplete(ar -> settled(query, ar.result()));
    }
    long left = timeoutNanos - (now - pendingSince);
    if (left <= 0) {
      return Future.succeededFuture(unanswered(now - pendingSince));
    }
    long since = pendingSince;
    return pending.timeout(left, TimeUnit.NANOSECONDS)
        .otherwise(e -> unanswered(System.nanoTime() - since));
  }

  private Future<Result> query(long started) {
    return pool.query(QUERY).execute()
        .map(rows -> new Result(true, null, rows.iterator().next().getInteger(0), elapsedMillis(started)))
        .otherwise(e -> {
          if (e instanceof PgException pg && UNDEFINED_TABLE.equals(pg.getSqlState())) {
            // The server answered: it is reachable, but no migration was ever applied.
            return new Result(true, null, 0, elapsedMillis(started));
          }
          return new Result(false, String.valueOf(e.getMessage()), -1, elapsedMillis(started));
        });
  }

  private synchronized void settled(Future<Result> query, Result result) {
    if (result.reachable()) {
      knownVersion = result.schemaVersion();
    }
    if (pending == query) {
      pending = null;
      last = withKnownVersion(result);
      lastAt = System.nanoTime();
    }
  }

  private synchronized Result unanswered(long waitedNanos) {
    return withKnownVersion(new Result(false, "no answer from PostgreSQL within "
        + TimeUnit.NANOSECONDS.toMillis(waitedNanos) + " ms", -1, TimeUnit.NANOSECONDS.toMillis(waitedNanos)));
  }

  private Result withKnownVersion(Result r) {
    return r.reachable() ? r : new Result(false, r.error(), knownVersion, r.latencyMillis());
  }

  private static long elapsedMillis(long started) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }
}
