package io.junctionmq.bench;

import io.junctionmq.store.PgPools;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What PostgreSQL alone sustains for the store's work: rows shaped like the {@code message}
 * table are inserted with {@code INSERT … SELECT FROM unnest(…)} and deleted by id, 1000 a
 * transaction, each transaction inserting one batch and deleting the one before. A
 * connection keeps one transaction in flight, as the store's group commit does; the run is
 * repeated with two connections and the better rate counts. One row inserted and deleted
 * counts as one message.
 */
final class PgCeiling {
  static final int BATCH_ROWS = 1000;
  private static final long BATCH_TIMEOUT_S = 60;
  // The message table's shape and autovacuum settings (V1__init.sql), in a scratch table.
  private static final String CREATE = "CREATE TABLE %s (queue_id bigint NOT NULL, seq bigint NOT NULL,"
      + " props bytea NOT NULL, body bytea NOT NULL, PRIMARY KEY (queue_id, seq)) WITH ("
      + " autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000,"
      + " autovacuum_vacuum_cost_delay = 0, autovacuum_vacuum_insert_scale_factor = 0,"
      + " autovacuum_vacuum_insert_threshold = 100000, autovacuum_analyze_scale_factor = 0.05)";
  // The statements of the store's write batch (WriteBatch), on the scratch table.
  private static final String INSERT = "INSERT INTO %s (queue_id, seq, props, body)"
      + " SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[])"
      + " ON CONFLICT (queue_id, seq) DO NOTHING";
  private static final String DELETE = "DELETE FROM %s m USING unnest($1::bigint[], $2::bigint[]) AS d(queue_id, seq)"
      + " WHERE m.queue_id = d.queue_id AND m.seq = d.seq";

  private final Pool pool;
  private final String table;
  private final Buffer[] props;
  private final Buffer[] bodies;

  private PgCeiling(Pool pool, String table, byte[] props, byte[] body) {
    this.pool = pool;
    this.table = table;
    this.props = new Buffer[BATCH_ROWS];
    this.bodies = new Buffer[BATCH_ROWS];
    for (int i = 0; i < BATCH_ROWS; i++) {
      this.props[i] = Buffer.buffer(props);
      this.bodies[i] = Buffer.buffer(body);
    }
  }

  /**
   * Measures for {@code seconds} (half with one connection, half with two) in a scratch
   * table named after {@code runId}, dropped afterwards; returns the better rate in msg/s.
   * Blocks: call it from the bench's main thread.
   */
  static double run(Vertx vertx, String uri, String runId, byte[] props, byte[] body, int seconds, PrintStream out)
      throws Exception {
    Pool pool = PgPools.create(vertx, uri, 2);
    String table = "bench_ceiling_" + runId;
    try {
      pool.query(String.format(CREATE, table)).execute().await(30, TimeUnit.SECONDS);
      var ceiling = new PgCeiling(pool, table, props, body);
      double best = 0;
      for (int connections = 1; connections <= 2; connections++) {
        double rate = ceiling.phase(connections, seconds * 1_000_000_000L / 2);
        out.printf(Locale.ROOT, "pg-ceiling connections=%d batch=%d rows, body %d bytes: %.0f msg/s%n",
            connections, BATCH_ROWS, body.length, rate);
        best = Math.max(best, rate);
      }
      return best;
    } finally {
      try {
        pool.query("DROP TABLE IF EXISTS " + table).execute().await(30, TimeUnit.SECONDS);
      } finally {
        pool.close().await(10, TimeUnit.SECONDS);
      }
    }
  }

  private double phase(int connections, long nanos) throws Exception {
    long start = System.nanoTime();
    long deadline = start + nanos;
    var workers = new ArrayList<Worker>();
    var done = new ArrayList<Future<Void>>();
    for (int i = 0; i < connections; i++) {
      var w = new Worker(connections * 100L + i, deadline);
      workers.add(w);
      done.add(pool.getConnection().compose(w::run));
    }
    Future.all(done).await(nanos / 1_000_000 + BATCH_TIMEOUT_S * 1000, TimeUnit.MILLISECONDS);
    long rows = workers.stream().mapToLong(w -> w.deleted).sum();
    long end = workers.stream().mapToLong(w -> w.lastCommit).max().orElse(deadline);
    return rows / ((end - start) / 1e9);
  }

  /** One connection, one transaction in flight, until the deadline. */
  private final class Worker {
    private final Long[] queueIds = new Long[BATCH_ROWS];
    private final long deadline;
    private final Promise<Void> done = Promise.promise();
    private SqlConnection conn;
    private long seq;
    private Long[] previous;
    // Written on the connection's event loop, read after `done` completes.
    private volatile long deleted;
    private volatile long lastCommit;

    Worker(long queueId, long deadline) {
      Arrays.fill(queueIds, queueId);
      this.deadline = deadline;
    }

    Future<Void> run(SqlConnection conn) {
      this.conn = conn;
      next();
      return done.future().eventually(conn::close);
    }

    private void next() {
      if (System.nanoTime() >= deadline) {
        // Leaves the table as it found it; not counted.
        Future<?> last = previous == null ? Future.succeededFuture()
            : conn.preparedQuery(String.format(DELETE, table)).execute(args(queueIds, previous));
        last.onComplete(ar -> done.tryComplete());
        return;
      }
      Long[] seqs = new Long[BATCH_ROWS];
      for (int i = 0; i < BATCH_ROWS; i++) {
        seqs[i] = ++seq;
      }
      Long[] toDelete = previous;
      conn.begin().compose(tx -> {
        List<Future<?>> sent = new ArrayList<>(2);
        sent.add(conn.preparedQuery(String.format(INSERT, table)).execute(args(queueIds, seqs, props, bodies)));
        if (toDelete != null) {
          sent.add(conn.preparedQuery(String.format(DELETE, table)).execute(args(queueIds, toDelete)));
        }
        return Future.all(sent).compose(v -> tx.commit())
            .recover(e -> tx.rollback().transform(ar -> Future.failedFuture(e)));
      }).onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
          return;
        }
        if (toDelete != null) {
          deleted += toDelete.length;
        }
        lastCommit = System.nanoTime();
        previous = seqs;
        next();
      });
    }
  }

  /** A tuple of exactly these values (Tuple.of would spread a trailing array). */
  private static Tuple args(Object... values) {
    Tuple tuple = Tuple.tuple();
    for (Object v : values) {
      tuple.addValue(v);
    }
    return tuple;
  }
}
