package io.junctionmq.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Queue leases by compare-and-set on {@code queue_lease}. Expiry is judged by the database's
 * clock alone, so nodes need not agree on the time; by its clock when the row is written
 * ({@code clock_timestamp()}), not when the statement began ({@code now()}): a statement that
 * waited for a lock (a frozen owner's write batch holds the row) would otherwise write a lease
 * that has run out already. Epochs only grow: a released lease keeps
 * its row (with no owner), so the next owner gets a new epoch and the old one stays fenced.
 */
final class Leases {
  private static final String ACQUIRE = "INSERT INTO queue_lease AS l (queue_id, owner, epoch, expires_at)"
      + " VALUES ($1, $2, 1, clock_timestamp() + $3 * interval '1 millisecond')"
      + " ON CONFLICT (queue_id) DO UPDATE"
      + " SET owner = EXCLUDED.owner, epoch = l.epoch + 1, expires_at = clock_timestamp() + $3 * interval '1 millisecond'"
      + " WHERE l.owner = EXCLUDED.owner OR l.owner IS NULL OR l.expires_at < clock_timestamp()"
      + " RETURNING epoch";
  private static final String TAKE_OVER = "UPDATE queue_lease SET owner = $2, epoch = epoch + 1,"
      + " expires_at = clock_timestamp() + $3 * interval '1 millisecond'"
      + " WHERE queue_id = $1 AND (owner = $4 OR owner = $2 OR owner IS NULL OR expires_at < clock_timestamp())"
      + " RETURNING epoch";
  private static final String ALL = "SELECT queue_id, owner, epoch, expires_at < clock_timestamp() FROM queue_lease";
  private static final String HOLDER = "SELECT owner FROM queue_lease WHERE queue_id = $1";
  // Locks in queue order, as write batches do, so that the two never deadlock.
  private static final String RENEW = "UPDATE queue_lease SET expires_at = clock_timestamp() + $2 * interval '1 millisecond'"
      + " WHERE queue_id IN (SELECT queue_id FROM queue_lease WHERE owner = $1"
      + " ORDER BY queue_id FOR NO KEY UPDATE)"
      + " RETURNING queue_id";
  private static final String RELEASE = "UPDATE queue_lease SET owner = NULL, expires_at = '-infinity'"
      + " WHERE queue_id = $1 AND owner = $2";
  private static final String FOREIGN_KEY_VIOLATION = "23503";

  private final Pool pool;

  Leases(Pool pool) {
    this.pool = pool;
  }

  Future<Long> acquire(long queueId, String node, Duration ttl) {
    return pool.preparedQuery(ACQUIRE).execute(Tuple.of(queueId, node, ttl.toMillis()))
        .recover(e -> Future.failedFuture(noSuchQueue(e)
            ? new StoreException("no queue with id " + queueId, e)
            : new StoreException("store write failed", e)))
        .compose(rows -> {
          if (rows.size() > 0) {
            return Future.succeededFuture(rows.iterator().next().getLong(0));
          }
          return pool.preparedQuery(HOLDER).execute(Tuple.of(queueId))
              .recover(e -> PgMetadataStore.failed("store read failed", e))
              .compose(holder -> Future.failedFuture(new LeaseHeldException(queueId,
                  holder.size() == 0 ? "(none)" : holder.iterator().next().getString(0))));
        });
  }

  /** As {@link #acquire}, and also when {@code formerOwner} (a node known to be gone) holds the lease. */
  Future<Long> takeOver(long queueId, String node, Duration ttl, String formerOwner) {
    return pool.preparedQuery(TAKE_OVER).execute(Tuple.of(queueId, node, ttl.toMillis(), formerOwner))
        .recover(e -> PgMetadataStore.failed("store write failed", e))
        .compose(rows -> rows.size() > 0
            ? Future.succeededFuture(rows.iterator().next().getLong(0))
            : acquire(queueId, node, ttl));
  }

  Future<List<MetadataStore.Lease>> all() {
    return pool.preparedQuery(ALL).execute()
        .<List<MetadataStore.Lease>>map(rows -> {
          List<MetadataStore.Lease> all = new ArrayList<>(rows.size());
          for (Row r : rows) {
            all.add(new MetadataStore.Lease(r.getLong(0), r.getString(1), r.getLong(2), r.getBoolean(3)));
          }
          return all;
        })
        .recover(e -> PgMetadataStore.failed("store read failed", e));
  }

  Future<List<Long>> renew(String node, Duration ttl) {
    return pool.preparedQuery(RENEW).execute(Tuple.of(node, ttl.toMillis()))
        .<List<Long>>map(rows -> {
          List<Long> held = new ArrayList<>(rows.size());
          for (Row row : rows) {
            held.add(row.getLong(0));
          }
          held.sort(null);
          return held;
        })
        .recover(e -> PgMetadataStore.failed("store write failed", e));
  }

  Future<Void> release(long queueId, String node) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(queueId, node)).<Void>mapEmpty()
        .recover(e -> PgMetadataStore.failed("store write failed", e));
  }

  private static boolean noSuchQueue(Throwable e) {
    return e instanceof io.vertx.pgclient.PgException pg && FOREIGN_KEY_VIOLATION.equals(pg.getSqlState());
  }
}
