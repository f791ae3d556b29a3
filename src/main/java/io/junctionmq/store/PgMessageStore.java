package io.junctionmq.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link MessageStore} in PostgreSQL. Writes of every queue of the node go through one
 * group-commit pipeline ({@link WritePipeline}); reads go straight to the pool.
 *
 * <p>Every future completes on the Vert.x context of the thread that made the call (for a
 * call from outside Vert.x, on a context Vert.x creates for that thread). Writes fail with
 * {@link FencedException} when this node no longer holds the queue's lease under the call's
 * epoch, and with {@link StoreException} when the database fails, the batch times out, too
 * many calls are waiting ("store overloaded") or the store is closed.
 */
public final class PgMessageStore implements MessageStore {

  /**
   * Limits of the write pipeline.
   *
   * @param maxBatchRows rows (messages, seqs) in one transaction, unless one call alone has more
   * @param maxBatchBytes bytes of props and bodies in one transaction, likewise
   * @param maxQueuedCalls calls waiting for a batch beyond which calls fail at once
   * @param batchTimeout how long a batch may take before its calls fail
   * @param maxInFlight batches in flight at once, 1 or 2; a second only ever holds appends
   *     (see {@link WritePipeline})
   */
  public record Options(int maxBatchRows, long maxBatchBytes, int maxQueuedCalls, Duration batchTimeout,
                        int maxInFlight) {
    public static final Options DEFAULTS = new Options(2000, 4L << 20, 50_000, Duration.ofSeconds(30), 2);

    public Options {
      if (maxInFlight < 1 || maxInFlight > 2) {
        throw new IllegalArgumentException("maxInFlight must be 1 or 2, got " + maxInFlight);
      }
    }

    public Options withMaxQueuedCalls(int n) {
      return new Options(maxBatchRows, maxBatchBytes, n, batchTimeout, maxInFlight);
    }

    public Options withMaxBatchRows(int n) {
      return new Options(n, maxBatchBytes, maxQueuedCalls, batchTimeout, maxInFlight);
    }

    public Options withMaxInFlight(int n) {
      return new Options(maxBatchRows, maxBatchBytes, maxQueuedCalls, batchTimeout, n);
    }
  }

  private static final String READ = "SELECT seq, props, body FROM message"
      + " WHERE queue_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4";
  private static final String STATS = "SELECT count(*), coalesce(sum(octet_length(body)), 0),"
      + " coalesce(max(seq), 0),"
      + " coalesce((SELECT delivered_up_to FROM queue_delivery WHERE queue_id = $1), 0)"
      + " FROM message WHERE queue_id = $1";

  private static final String REMEMBERED = "SELECT message_id, expires_at FROM dedup"
      + " WHERE queue_id = $1 AND expires_at > $2 ORDER BY expires_at";
  private static final String FORGET_EXPIRED = "DELETE FROM dedup WHERE ctid = ANY(ARRAY("
      + "SELECT ctid FROM dedup WHERE queue_id = $1 AND expires_at <= $2 LIMIT $3))";

  private final Pool pool;
  private final WritePipeline pipeline;
  private final StoreObserver observer;

  /**
   * @param pool shared with other users; the store does not close it
   * @param nodeId this node's id, as written in {@code queue_lease.owner} by
   *     {@link MetadataStore#acquireLease}
   */
  public PgMessageStore(Vertx vertx, Pool pool, String nodeId, Options options) {
    this(vertx, pool, nodeId, options, StoreObserver.NONE);
  }

  /** As {@link #PgMessageStore(Vertx, Pool, String, Options)}, reporting batches and failures to {@code observer}. */
  public PgMessageStore(Vertx vertx, Pool pool, String nodeId, Options options, StoreObserver observer) {
    this.pool = pool;
    this.observer = observer;
    this.pipeline = new WritePipeline(vertx, pool, nodeId, options, observer);
  }

  public PgMessageStore(Vertx vertx, Pool pool, String nodeId) {
    this(vertx, pool, nodeId, Options.DEFAULTS);
  }

  @Override
  public Future<Void> append(long queueId, long epoch, List<StoredMessage> messages) {
    return append(queueId, epoch, messages, null, 0);
  }

  @Override
  public Future<Void> append(long queueId, long epoch, List<StoredMessage> messages, String[] ids,
                             long idsExpireAt) {
    if (messages.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = messages.size();
    Long[] seqs = new Long[n];
    Buffer[] props = new Buffer[n];
    Buffer[] bodies = new Buffer[n];
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      StoredMessage m = messages.get(i);
      seqs[i] = m.seq();
      props[i] = Buffer.buffer(MessageCodec.encodeEnvelope(m.message(), m.expiresAt()));
      bodies[i] = Buffer.buffer(m.message().body());
      bytes += props[i].length() + bodies[i].length();
    }
    return pipeline.submit(new Write.Append(queueId, epoch, seqs, props, bodies, bytes,
        ids == null ? null : ids.clone(), idsExpireAt)).mapEmpty();
  }

  @Override
  public Future<Void> remove(long queueId, long epoch, long[] seqs) {
    if (seqs.length == 0) {
      return Future.succeededFuture();
    }
    return pipeline.submit(new Write.Remove(queueId, epoch, seqs.clone())).mapEmpty();
  }

  @Override
  public Future<Long> purge(long queueId, long epoch, long upToSeq, long[] keep) {
    return pipeline.submit(new Write.Purge(queueId, epoch, upToSeq, keep.clone())).map(Long.class::cast);
  }

  @Override
  public Future<Void> saveDeliveredUpTo(long queueId, long epoch, long upToSeq) {
    return pipeline.submit(new Write.SaveDeliveredUpTo(queueId, epoch, upToSeq)).mapEmpty();
  }

  @Override
  public Future<List<StoredMessage>> read(long queueId, long afterSeq, long upToSeq, int limit) {
    if (afterSeq >= upToSeq || limit <= 0) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(READ).execute(Tuple.of(queueId, afterSeq, upToSeq, limit))
        .<List<StoredMessage>>map(rows -> {
          List<StoredMessage> out = new ArrayList<>(rows.size());
          for (Row row : rows) {
            out.add(MessageCodec.decodeStored(row.getLong(0), row.getBuffer(1).getBytes(),
                row.getBuffer(2).getBytes()));
          }
          return out;
        })
        .recover(e -> failed("store read failed", e));
  }

  @Override
  public Future<QueueStoreStats> stats(long queueId) {
    return pool.preparedQuery(STATS).execute(Tuple.of(queueId))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new QueueStoreStats(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3));
        })
        .recover(e -> failed("store read failed", e));
  }

  @Override
  public Future<List<RememberedId>> rememberedIds(long queueId, long now) {
    return pool.preparedQuery(REMEMBERED).execute(Tuple.of(queueId, now))
        .<List<RememberedId>>map(rows -> {
          List<RememberedId> out = new ArrayList<>(rows.size());
          for (Row row : rows) {
            out.add(new RememberedId(row.getString(0), row.getLong(1)));
          }
          return out;
        })
        .recover(e -> failed("store read failed", e));
  }

  // Not through the pipeline: an expired id is nobody's to fence, and a new owner's upsert of
  // the same id sets a later expiry that this delete no longer matches.
  @Override
  public Future<Integer> forgetExpiredIds(long queueId, long now, int limit) {
    return pool.preparedQuery(FORGET_EXPIRED).execute(Tuple.of(queueId, now, limit))
        .map(rows -> rows.rowCount())
        .recover(e -> failed("store write failed", e));
  }

  @Override
  public Future<Void> drop(long queueId) {
    return pipeline.submit(new Write.Drop(queueId)).mapEmpty();
  }

  /** Completes when the calls made before it have completed; later calls fail. */
  @Override
  public Future<Void> close() {
    return pipeline.close();
  }

  /** How many messages were settled before they were ever written. */
  long settledUnwritten() {
    return pipeline.settledUnwritten();
  }

  /** How many write batches have been sent. */
  long batches() {
    return pipeline.batches();
  }

  /** The most write batches that were in flight at once. */
  int mostInFlight() {
    return pipeline.mostInFlight();
  }

  private <T> Future<T> failed(String message, Throwable cause) {
    observer.readFailed();
    return Future.failedFuture(cause instanceof StoreException ? cause : new StoreException(message, cause));
  }
}
