package io.junctionmq.store;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@link MetadataStore} in PostgreSQL. A vhost must be saved before anything in it (the
 * schema's foreign keys reject orphans). Futures complete on the caller's context and fail
 * with {@link StoreException}, whose cause holds the database's error.
 */
public final class PgMetadataStore implements MetadataStore {
  // In queue order, as write batches lock them, so that the two cannot deadlock.
  private static final String LOCK_VHOST_LEASES = "SELECT queue_id FROM queue_lease"
      + " WHERE queue_id IN (SELECT id FROM queue WHERE vhost = $1) ORDER BY queue_id FOR UPDATE";

  private final Pool pool;
  private final Leases leases;

  /** @param pool shared with other users; the store does not close it */
  public PgMetadataStore(Pool pool) {
    this.pool = pool;
    this.leases = new Leases(pool);
  }

  @Override
  public Future<Metadata> load() {
    return pool.withTransaction(conn -> conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute()
        .compose(v -> conn.query("SELECT name FROM vhost ORDER BY name").execute())
        .compose(vhosts -> conn.query("SELECT vhost, name, type, durable, auto_delete, internal, arguments"
                + " FROM exchange ORDER BY vhost, name").execute()
            .compose(exchanges -> conn.query("SELECT id, vhost, name, durable, exclusive, auto_delete, arguments"
                    + " FROM queue ORDER BY id").execute()
                .compose(queues -> conn.query("SELECT vhost, source, destination_type, destination,"
                        + " routing_key, arguments FROM binding ORDER BY vhost, source, destination").execute()
                    .map(bindings -> metadata(vhosts, exchanges, queues, bindings))))))
        .recover(e -> failed("store read failed", e));
  }

  private static Metadata metadata(RowSet<Row> vhosts, RowSet<Row> exchanges, RowSet<Row> queues,
                                   RowSet<Row> bindings) {
    List<String> vs = new ArrayList<>();
    vhosts.forEach(r -> vs.add(r.getString(0)));
    List<Exchange> es = new ArrayList<>();
    exchanges.forEach(r -> es.add(new Exchange(r.getString(0), r.getString(1), ExchangeType.of(r.getString(2)),
        r.getBoolean(3), r.getBoolean(4), r.getBoolean(5), arguments(r, 6))));
    List<StoredQueue> qs = new ArrayList<>();
    queues.forEach(r -> qs.add(new StoredQueue(r.getLong(0), new Queue(r.getString(1), r.getString(2),
        r.getBoolean(3), r.getBoolean(4), r.getBoolean(5), arguments(r, 6)))));
    List<Binding> bs = new ArrayList<>();
    bindings.forEach(r -> bs.add(new Binding(r.getString(0), r.getString(1),
        Binding.DestinationType.valueOf(r.getString(2).toUpperCase(Locale.ROOT)), r.getString(3),
        r.getString(4), arguments(r, 5))));
    return new Metadata(vs, es, qs, bs);
  }

  @Override
  public Future<Void> saveVhost(String name) {
    return update("INSERT INTO vhost (name) VALUES ($1) ON CONFLICT DO NOTHING", Tuple.of(name));
  }

  @Override
  public Future<Void> deleteVhost(String name) {
    return pool.withTransaction(conn -> conn
            // Locking the vhost first keeps queues from being created in it meanwhile.
            .preparedQuery("SELECT name FROM vhost WHERE name = $1 FOR UPDATE").execute(Tuple.of(name))
            .compose(v -> conn.preparedQuery(LOCK_VHOST_LEASES).execute(Tuple.of(name)))
            .compose(v -> conn.preparedQuery("SELECT id FROM queue WHERE vhost = $1").execute(Tuple.of(name)))
            .compose(rows -> {
              List<Long> ids = new ArrayList<>();
              rows.forEach(r -> ids.add(r.getLong(0)));
              Tuple queueIds = Tuple.of((Object) ids.toArray(new Long[0]));
              return conn.preparedQuery("DELETE FROM vhost WHERE name = $1").execute(Tuple.of(name))
                  .compose(v -> conn.preparedQuery("DELETE FROM message WHERE queue_id = ANY($1::bigint[])")
                      .execute(queueIds))
                  .compose(v -> conn.preparedQuery("DELETE FROM queue_delivery WHERE queue_id = ANY($1::bigint[])")
                      .execute(queueIds))
                  .compose(v -> conn.preparedQuery("DELETE FROM dedup WHERE queue_id = ANY($1::bigint[])")
                      .execute(queueIds));
            }))
        .<Void>mapEmpty()
        .recover(e -> failed("store write failed", e));
  }

  @Override
  public Future<Void> saveExchange(Exchange e) {
    return update("INSERT INTO exchange (vhost, name, type, durable, auto_delete, internal, arguments)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (vhost, name) DO UPDATE SET"
            + " type = EXCLUDED.type, durable = EXCLUDED.durable, auto_delete = EXCLUDED.auto_delete,"
            + " internal = EXCLUDED.internal, arguments = EXCLUDED.arguments",
        Tuple.of(e.vhost(), e.name(), e.type().wireName(), e.durable(), e.autoDelete(), e.internal())
            .addValue(json(e.arguments())));
  }

  @Override
  public Future<Void> deleteExchange(String vhost, String name) {
    return pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM binding WHERE vhost = $1"
                + " AND (source = $2 OR (destination_type = 'exchange' AND destination = $2))")
            .execute(Tuple.of(vhost, name))
            .compose(v -> conn.preparedQuery("DELETE FROM exchange WHERE vhost = $1 AND name = $2")
                .execute(Tuple.of(vhost, name))))
        .<Void>mapEmpty()
        .recover(e -> failed("store write failed", e));
  }

  @Override
  public Future<Long> saveQueue(Queue q) {
    return pool.preparedQuery("INSERT INTO queue (vhost, name, durable, exclusive, auto_delete, arguments)"
            + " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .execute(Tuple.of(q.vhost(), q.name(), q.durable(), q.exclusive(), q.autoDelete(), json(q.arguments())))
        .map(rows -> rows.iterator().next().getLong(0))
        .recover(e -> isUniqueViolation(e)
            ? Future.failedFuture(new StoreException("queue '" + q.name() + "' in vhost '" + q.vhost()
                + "' exists already", e))
            : failed("store write failed", e));
  }

  @Override
  public Future<Void> deleteQueue(long queueId) {
    return pool.withTransaction(conn -> deleteQueue(conn, queueId))
        .recover(e -> failed("store write failed", e));
  }

  private static Future<Void> deleteQueue(SqlConnection conn, long queueId) {
    Tuple id = Tuple.of(queueId);
    // The lease goes first: deleting it waits for a write batch in flight on the queue (which
    // holds it FOR SHARE), so the messages that batch commits are deleted below, and later
    // batches find no lease and are fenced.
    return conn.preparedQuery("DELETE FROM queue_lease WHERE queue_id = $1").execute(id)
        .compose(v -> conn.preparedQuery("DELETE FROM queue WHERE id = $1 RETURNING vhost, name").execute(id))
        .compose(rows -> {
          Future<?> bindings = Future.succeededFuture();
          for (Row q : rows) {
            bindings = conn.preparedQuery("DELETE FROM binding WHERE vhost = $1"
                    + " AND destination_type = 'queue' AND destination = $2")
                .execute(Tuple.of(q.getString(0), q.getString(1)));
          }
          return bindings;
        })
        .compose(v -> conn.preparedQuery("DELETE FROM message WHERE queue_id = $1").execute(id))
        .compose(v -> conn.preparedQuery("DELETE FROM queue_delivery WHERE queue_id = $1").execute(id))
        .compose(v -> conn.preparedQuery("DELETE FROM dedup WHERE queue_id = $1").execute(id))
        .mapEmpty();
  }

  @Override
  public Future<Void> saveBinding(Binding b) {
    return update("INSERT INTO binding (vhost, source, destination_type, destination, routing_key, arguments)"
        + " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING", bindingTuple(b));
  }

  @Override
  public Future<Void> deleteBinding(Binding b) {
    return update("DELETE FROM binding WHERE vhost = $1 AND source = $2 AND destination_type = $3"
        + " AND destination = $4 AND routing_key = $5 AND arguments = $6::jsonb", bindingTuple(b));
  }

  private static Tuple bindingTuple(Binding b) {
    return Tuple.of(b.vhost(), b.source(), b.destinationType().name().toLowerCase(Locale.ROOT),
        b.destination(), b.routingKey(), json(b.arguments()));
  }

  @Override
  public Future<Long> acquireLease(long queueId, String node, Duration ttl) {
    return leases.acquire(queueId, node, ttl);
  }

  @Override
  public Future<Long> takeOverLease(long queueId, String node, Duration ttl, String formerOwner) {
    return leases.takeOver(queueId, node, ttl, formerOwner);
  }

  @Override
  public Future<List<Lease>> leases() {
    return leases.all();
  }

  @Override
  public Future<List<Long>> renewLeases(String node, Duration ttl) {
    return leases.renew(node, ttl);
  }

  @Override
  public Future<Void> releaseLease(long queueId, String node) {
    return leases.release(queueId, node);
  }

  /** Does not close the pool, which belongs to whoever made it. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private Future<Void> update(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).<Void>mapEmpty()
        .recover(e -> failed("store write failed", e));
  }

  static JsonObject json(Map<String, Object> arguments) {
    return new JsonObject(new java.util.LinkedHashMap<>(arguments));
  }

  /** A jsonb column as a map; the model records normalize its numbers (Integer to Long). */
  private static Map<String, Object> arguments(Row row, int column) {
    Object value = row.getValue(column);
    if (value instanceof JsonObject json) {
      return json.getMap();
    }
    return Map.of();
  }

  static boolean isUniqueViolation(Throwable e) {
    return e instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  static <T> Future<T> failed(String message, Throwable cause) {
    return Future.failedFuture(cause instanceof StoreException ? cause : new StoreException(message, cause));
  }
}
