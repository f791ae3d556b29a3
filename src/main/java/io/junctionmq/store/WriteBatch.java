package io.junctionmq.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One transaction of the write pipeline: check the leases of every queue written, then
 * insert, delete, purge and save the delivered-up-to of the queues whose check passed. Statements
 * go in that order so that a message appended and acked in the same batch ends up deleted,
 * and a purge (bounded by its seq) cannot remove a later append.
 */
final class WriteBatch {
  // The lease rows are locked FOR SHARE, in queue order, until commit: a takeover (an
  // UPDATE of the row) waits for this batch, or this batch sees the new epoch and skips.
  static final String FENCE = "SELECT l.queue_id, l.epoch FROM queue_lease l"
      + " JOIN unnest($1::bigint[], $2::bigint[]) AS c(queue_id, epoch)"
      + " ON l.queue_id = c.queue_id AND l.epoch = c.epoch"
      + " WHERE l.owner = $3 ORDER BY l.queue_id FOR SHARE OF l";
  static final String INSERT = "INSERT INTO message (queue_id, seq, props, body)"
      + " SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[])";
  // A seq stored already keeps its row, so that retrying an append whose outcome was unknown
  // (a timeout, a lost connection) is harmless rather than failing every queue's batch. Only
  // used to redo a batch that hit a duplicate: ON CONFLICT makes inserts ~25% slower.
  static final String INSERT_IDEMPOTENT = INSERT + " ON CONFLICT (queue_id, seq) DO NOTHING";
  private static final String UNIQUE_VIOLATION = "23505";
  static final String DELETE = "DELETE FROM message m"
      + " USING unnest($1::bigint[], $2::bigint[]) AS d(queue_id, seq)"
      + " WHERE m.queue_id = d.queue_id AND m.seq = d.seq";
  static final String PURGE = "DELETE FROM message"
      + " WHERE queue_id = $1 AND seq <= $2 AND seq <> ALL($3::bigint[])";
  static final String DELIVERED_UP_TO = "INSERT INTO queue_delivery (queue_id, delivered_up_to)"
      + " SELECT * FROM unnest($1::bigint[], $2::bigint[])"
      + " ON CONFLICT (queue_id) DO UPDATE SET delivered_up_to = EXCLUDED.delivered_up_to";
  // The queue's owner decided that each id is new (or its old window ended): the row is set anew.
  static final String REMEMBER_IDS = "INSERT INTO dedup (queue_id, message_id, expires_at)"
      + " SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[])"
      + " ON CONFLICT (queue_id, message_id) DO UPDATE SET expires_at = EXCLUDED.expires_at";
  static final String DROP_IDS = "DELETE FROM dedup WHERE queue_id = ANY($1::bigint[])";
  static final String DROP_MESSAGES = "DELETE FROM message WHERE queue_id = ANY($1::bigint[])";
  static final String DROP_DELIVERED_UP_TO = "DELETE FROM queue_delivery WHERE queue_id = ANY($1::bigint[])";

  private record QueueEpoch(long queueId, long epoch) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final String nodeId;
  private final Duration timeout;
  private final List<WritePipeline.Call> calls;
  private final AtomicLong settledUnwritten;
  // Filled on the pipeline's context until the batch is done, read once by finish().
  private final Map<WritePipeline.Call, Object> results = new HashMap<>();
  private final Map<WritePipeline.Call, Throwable> fenced = new HashMap<>();
  private final Promise<Throwable> done = Promise.promise();
  private final Promise<Void> committing = Promise.promise();
  // Set by finish(), run by release().
  private Map<Context, List<Runnable>> completions;

  WriteBatch(Vertx vertx, Pool pool, String nodeId, Duration timeout, List<WritePipeline.Call> calls,
             AtomicLong settledUnwritten) {
    this.settledUnwritten = settledUnwritten;
    this.vertx = vertx;
    this.pool = pool;
    this.nodeId = nodeId;
    this.timeout = timeout;
    this.calls = calls;
  }

  /**
   * Runs the transaction. The returned future completes (never fails) when the batch is
   * over: at commit with null, else with the failure or timeout, which the pipeline logs.
   * The calls complete only when the pipeline then calls {@link #release()}.
   */
  Future<Throwable> execute() {
    long timer = vertx.setTimer(timeout.toMillis(), id -> {
      if (!done.future().isComplete()) {
        finish(new StoreException("store write timed out after " + timeout.toMillis() + " ms"));
      }
    });
    pool.withConnection(conn -> transaction(conn, INSERT)
            .recover(e -> isUniqueViolation(e) ? transaction(conn, INSERT_IDEMPOTENT) : Future.failedFuture(e)))
        .onComplete(ar -> {
          vertx.cancelTimer(timer);
          if (ar.succeeded()) {
            finish(null);
            return;
          }
          finish(new StoreException("store write failed", ar.cause()));
        });
    return done.future();
  }

  /**
   * The common case in two round trips: BEGIN, the fence and every write go out in one
   * pipelined burst, then COMMIT if every queue passed the fence. If one did not (its lease
   * was taken over, which is rare), the burst is rolled back and the batch redone with the
   * fence checked first, so that the other queues' writes still commit.
   */
  private Future<Void> transaction(SqlConnection conn, String insert) {
    fenced.clear();
    results.clear();
    Future<?> begin = conn.query("BEGIN").execute();
    Future<Set<QueueEpoch>> fence = fence(conn);
    Future<Void> writes = write(conn, null, insert);
    return Future.all(begin, fence, writes).transform(ar -> {
      if (ar.succeeded() && fenced.isEmpty()) {
        Future<Void> commit = conn.query("COMMIT").execute().mapEmpty();
        committing.tryComplete();
        return commit;
      }
      Future<Void> rollback = conn.query("ROLLBACK").execute().mapEmpty();
      if (ar.failed()) {
        return rollback.transform(x -> Future.failedFuture(ar.cause()));
      }
      return rollback.compose(x -> checkedTransaction(conn, insert));
    });
  }

  /** Fence first, then write only the queues that passed it. */
  private Future<Void> checkedTransaction(SqlConnection conn, String insert) {
    fenced.clear();
    results.clear();
    return conn.begin().compose(tx -> fence(conn)
        .compose(valid -> write(conn, valid, insert))
        .compose(v -> {
          Future<Void> commit = tx.commit();
          committing.tryComplete();
          return commit;
        })
        .recover(e -> rollback(tx, e)));
  }

  /**
   * Completes when every write of the batch has succeeded and its COMMIT is sent; never if
   * it fails before. From then on the batch takes no more locks.
   */
  Future<Void> committing() {
    return committing.future();
  }

  private static Future<Void> rollback(Transaction tx, Throwable cause) {
    return tx.rollback().transform(ar -> Future.failedFuture(cause));
  }

  /** Completes with the (queue, epoch) pairs that may write; marks the others' calls fenced. */
  private Future<Set<QueueEpoch>> fence(SqlConnection conn) {
    Set<QueueEpoch> asked = new HashSet<>();
    for (WritePipeline.Call call : calls) {
      if (!(call.write() instanceof Write.Drop)) {
        asked.add(new QueueEpoch(call.write().queueId(), call.write().epoch()));
      }
    }
    if (asked.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    Long[] queueIds = new Long[asked.size()];
    Long[] epochs = new Long[asked.size()];
    int i = 0;
    for (QueueEpoch qe : asked) {
      queueIds[i] = qe.queueId();
      epochs[i++] = qe.epoch();
    }
    return conn.preparedQuery(FENCE).execute(args(queueIds, epochs, nodeId)).map(rows -> {
      Set<QueueEpoch> valid = new HashSet<>();
      for (Row row : rows) {
        valid.add(new QueueEpoch(row.getLong(0), row.getLong(1)));
      }
      for (WritePipeline.Call call : calls) {
        Write w = call.write();
        if (!(w instanceof Write.Drop) && !valid.contains(new QueueEpoch(w.queueId(), w.epoch()))) {
          fenced.put(call, new FencedException(w.queueId()));
        }
      }
      return valid;
    });
  }

  /** Sends the writes of the calls whose queue is in {@code valid} (null: every call). */
  private Future<Void> write(SqlConnection conn, Set<QueueEpoch> valid, String insert) {
    var statements = new Statements();
    for (WritePipeline.Call call : calls) {
      Write w = call.write();
      if (valid == null || w instanceof Write.Drop || valid.contains(new QueueEpoch(w.queueId(), w.epoch()))) {
        statements.add(call);
      }
    }
    // Sent without waiting for each other: the connection pipelines them, in this order.
    List<Future<?>> sent = new ArrayList<>();
    settledUnwritten.addAndGet(statements.send(conn, insert, sent, results));
    return Future.all(sent).mapEmpty();
  }

  private static boolean isUniqueViolation(Throwable e) {
    return e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
  }

  /** A tuple of exactly these values (Tuple.of would spread a trailing array). */
  static Tuple args(Object... values) {
    Tuple tuple = Tuple.tuple();
    for (Object v : values) {
      tuple.addValue(v);
    }
    return tuple;
  }

  /**
   * Decides each call's outcome, once: failed with {@code failure} (unless fenced already),
   * or succeeded when null. A transaction that goes on after a timeout changes nothing.
   */
  private void finish(Throwable failure) {
    if (done.future().isComplete()) {
      return;
    }
    Map<Context, List<Runnable>> byCaller = new LinkedHashMap<>();
    for (WritePipeline.Call call : calls) {
      Throwable cause = fenced.getOrDefault(call, failure);
      Object result = results.get(call);
      Runnable completion = cause == null
          ? () -> call.promise().complete(result)
          : () -> call.promise().fail(cause);
      byCaller.computeIfAbsent(call.caller(), c -> new ArrayList<>()).add(completion);
    }
    completions = byCaller;
    done.complete(failure);
  }

  /** Completes the calls as {@link #execute()} decided; only once it has completed. */
  void release() {
    // One task per caller context, completing its calls in the order they were made.
    completions.forEach((caller, list) -> caller.runOnContext(v -> list.forEach(Runnable::run)));
  }

  /** The batch's calls sorted into one statement per kind. */
  private static final class Statements {
    private final List<Long> insQueue = new ArrayList<>();
    private final List<Long> insSeq = new ArrayList<>();
    private final List<Buffer> insProps = new ArrayList<>();
    private final List<Buffer> insBody = new ArrayList<>();
    private final List<Long> delQueue = new ArrayList<>();
    private final List<Long> delSeq = new ArrayList<>();
    private final List<WritePipeline.Call> purges = new ArrayList<>();
    private final Map<Long, Long> deliveredUpTo = new LinkedHashMap<>();
    private final List<Long> drops = new ArrayList<>();
    // One row per (queue, id): an upsert may not touch the same row twice.
    private final Map<QueueId, Long> ids = new LinkedHashMap<>();

    void add(WritePipeline.Call call) {
      Write w = call.write();
      if (w instanceof Write.Append a) {
        for (int i = 0; i < a.seqs().length; i++) {
          insQueue.add(a.queueId());
          insSeq.add(a.seqs()[i]);
          insProps.add(a.props()[i]);
          insBody.add(a.bodies()[i]);
          if (a.ids() != null && a.ids()[i] != null) {
            ids.put(new QueueId(a.queueId(), a.ids()[i]), a.idsExpireAt());
          }
        }
      } else if (w instanceof Write.Remove r) {
        for (long seq : r.seqs()) {
          delQueue.add(r.queueId());
          delSeq.add(seq);
        }
      } else if (w instanceof Write.Purge) {
        purges.add(call);
      } else if (w instanceof Write.SaveDeliveredUpTo d) {
        deliveredUpTo.put(d.queueId(), d.upToSeq());
      } else if (w instanceof Write.Drop d) {
        drops.add(d.queueId());
      }
    }

    /** Sends the statements; returns how many messages were settled without being written. */
    int send(SqlConnection conn, String insert, List<Future<?>> sent, Map<WritePipeline.Call, Object> results) {
      int settled = cancelSettled();
      if (!insSeq.isEmpty()) {
        sent.add(conn.preparedQuery(insert).execute(args(longs(insQueue), longs(insSeq),
            insProps.toArray(new Buffer[0]), insBody.toArray(new Buffer[0]))));
      }
      if (!ids.isEmpty()) {
        sent.add(conn.preparedQuery(REMEMBER_IDS).execute(args(
            ids.keySet().stream().map(QueueId::queueId).toArray(Long[]::new),
            ids.keySet().stream().map(QueueId::id).toArray(String[]::new), longs(ids.values()))));
      }
      if (!delSeq.isEmpty()) {
        sent.add(conn.preparedQuery(DELETE).execute(args(longs(delQueue), longs(delSeq))));
      }
      for (WritePipeline.Call call : purges) {
        Write.Purge p = (Write.Purge) call.write();
        Long[] keep = new Long[p.keep().length];
        for (int i = 0; i < keep.length; i++) {
          keep[i] = p.keep()[i];
        }
        sent.add(conn.preparedQuery(PURGE).execute(args(p.queueId(), p.upToSeq(), keep))
            .onSuccess(rows -> results.put(call, (long) rows.rowCount())));
      }
      if (!deliveredUpTo.isEmpty()) {
        sent.add(conn.preparedQuery(DELIVERED_UP_TO).execute(args(
            longs(deliveredUpTo.keySet()), longs(deliveredUpTo.values()))));
      }
      if (!drops.isEmpty()) {
        Long[] dropped = longs(drops);
        sent.add(conn.preparedQuery(DROP_MESSAGES).execute(args((Object) dropped)));
        sent.add(conn.preparedQuery(DROP_DELIVERED_UP_TO).execute(args((Object) dropped)));
        sent.add(conn.preparedQuery(DROP_IDS).execute(args((Object) dropped)));
      }
      return settled;
    }

    /**
     * A message appended and removed in the same batch was acked before it was ever written:
     * neither its insert nor its delete needs to reach PostgreSQL (RabbitMQ does the same).
     * Its append still completes when the batch commits.
     */
    private int cancelSettled() {
      if (insSeq.isEmpty() || delSeq.isEmpty()) {
        return 0;
      }
      var inserted = new HashSet<QueueSeq>(insSeq.size() * 2);
      for (int i = 0; i < insSeq.size(); i++) {
        inserted.add(new QueueSeq(insQueue.get(i), insSeq.get(i)));
      }
      var settled = new HashSet<QueueSeq>();
      for (int i = 0; i < delSeq.size(); i++) {
        var key = new QueueSeq(delQueue.get(i), delSeq.get(i));
        if (inserted.contains(key)) {
          settled.add(key);
        }
      }
      if (!settled.isEmpty()) {
        retain(insQueue, insSeq, settled, insProps, insBody);
        retain(delQueue, delSeq, settled, null, null);
      }
      return settled.size();
    }

    private static void retain(List<Long> queues, List<Long> seqs, Set<QueueSeq> settled,
                               List<Buffer> props, List<Buffer> bodies) {
      int kept = 0;
      for (int i = 0; i < seqs.size(); i++) {
        if (!settled.contains(new QueueSeq(queues.get(i), seqs.get(i)))) {
          queues.set(kept, queues.get(i));
          seqs.set(kept, seqs.get(i));
          if (props != null) {
            props.set(kept, props.get(i));
            bodies.set(kept, bodies.get(i));
          }
          kept++;
        }
      }
      queues.subList(kept, queues.size()).clear();
      seqs.subList(kept, seqs.size()).clear();
      if (props != null) {
        props.subList(kept, props.size()).clear();
        bodies.subList(kept, bodies.size()).clear();
      }
    }

    private record QueueSeq(long queueId, long seq) {
    }

    private record QueueId(long queueId, String id) {
    }

    private static Long[] longs(java.util.Collection<Long> values) {
      return values.toArray(new Long[0]);
    }
  }
}
