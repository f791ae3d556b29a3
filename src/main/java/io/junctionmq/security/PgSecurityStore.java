package io.junctionmq.security;

import io.junctionmq.store.StoreException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** The {@link SecurityStore} in PostgreSQL (schemas V2 and V3). Futures fail with {@link StoreException}. */
public final class PgSecurityStore implements SecurityStore {
  private final Pool pool;

  /** @param pool shared with other users; the store does not close it */
  public PgSecurityStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Snapshot> load() {
    return pool.withTransaction(conn -> conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute()
        .compose(v -> conn.query("SELECT name, password_hash, hashing_algorithm, tags FROM app_user ORDER BY name")
            .execute())
        .compose(users -> conn.query("SELECT username, vhost, configure, write, read FROM user_permission"
                + " ORDER BY username, vhost").execute()
            .compose(perms -> conn.query("SELECT username, vhost, exchange, write, read FROM topic_permission"
                    + " ORDER BY username, vhost, exchange").execute()
                .compose(topics -> conn.query("SELECT vhost, max_connections, max_queues FROM vhost_limit"
                        + " ORDER BY vhost").execute()
                    .compose(limits -> conn.query("SELECT username, max_connections FROM user_limit"
                            + " ORDER BY username").execute()
                        .map(userLimits -> snapshot(users, perms, topics, limits, userLimits)))))))
        .recover(e -> failed("store read failed", e));
  }

  private static Snapshot snapshot(RowSet<Row> users, RowSet<Row> perms, RowSet<Row> topics, RowSet<Row> limits,
                                   RowSet<Row> userLimits) {
    var us = new ArrayList<User>();
    users.forEach(r -> us.add(new User(r.getString(0), r.getString(1), r.getString(2),
        List.of(r.getArrayOfStrings(3)))));
    var ps = new ArrayList<Permission>();
    perms.forEach(r -> ps.add(new Permission(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
        r.getString(4))));
    var ts = new ArrayList<TopicPermission>();
    topics.forEach(r -> ts.add(new TopicPermission(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
        r.getString(4))));
    var ls = new ArrayList<VhostLimits>();
    limits.forEach(r -> ls.add(new VhostLimits(r.getString(0), r.getInteger(1), r.getInteger(2))));
    var uls = new ArrayList<UserLimits>();
    userLimits.forEach(r -> uls.add(new UserLimits(r.getString(0), r.getInteger(1))));
    return new Snapshot(us, ps, ts, ls, uls);
  }

  @Override
  public Future<Void> saveUser(User user) {
    return update("INSERT INTO app_user (name, password_hash, hashing_algorithm, tags) VALUES ($1, $2, $3, $4)"
        + " ON CONFLICT (name) DO UPDATE SET password_hash = $2, hashing_algorithm = $3, tags = $4",
        Tuple.of(user.name(), user.passwordHash(), user.hashingAlgorithm(), user.tags().toArray(String[]::new)));
  }

  @Override
  public Future<Void> deleteUser(String name) {
    return update("DELETE FROM app_user WHERE name = $1", Tuple.of(name));
  }

  @Override
  public Future<Boolean> createFirstUser(User user, Permission permission) {
    return pool.withTransaction(conn -> conn.query("LOCK TABLE app_user IN SHARE ROW EXCLUSIVE MODE").execute()
            .compose(v -> conn.query("SELECT count(*) FROM app_user").execute())
            .compose(rows -> {
              if (rows.iterator().next().getLong(0) > 0) {
                return Future.succeededFuture(false);
              }
              return conn.preparedQuery("INSERT INTO app_user (name, password_hash, hashing_algorithm, tags)"
                      + " VALUES ($1, $2, $3, $4)")
                  .execute(Tuple.of(user.name(), user.passwordHash(), user.hashingAlgorithm(),
                      user.tags().toArray(String[]::new)))
                  .compose(v -> conn.preparedQuery("INSERT INTO user_permission (username, vhost, configure, write,"
                      + " read) VALUES ($1, $2, $3, $4, $5)").execute(Tuple.of(permission.user(),
                      permission.vhost(), permission.configure(), permission.write(), permission.read())))
                  .map(true);
            }))
        .recover(e -> failed("store write failed", e));
  }

  @Override
  public Future<Void> savePermission(Permission p) {
    return update("INSERT INTO user_permission (username, vhost, configure, write, read) VALUES ($1, $2, $3, $4, $5)"
        + " ON CONFLICT (username, vhost) DO UPDATE SET configure = $3, write = $4, read = $5",
        Tuple.of(p.user(), p.vhost(), p.configure(), p.write(), p.read()));
  }

  @Override
  public Future<Void> deletePermission(String user, String vhost) {
    return update("DELETE FROM user_permission WHERE username = $1 AND vhost = $2", Tuple.of(user, vhost));
  }

  @Override
  public Future<Void> saveTopicPermission(TopicPermission p) {
    return update("INSERT INTO topic_permission (username, vhost, exchange, write, read) VALUES ($1, $2, $3, $4, $5)"
        + " ON CONFLICT (username, vhost, exchange) DO UPDATE SET write = $4, read = $5",
        Tuple.of(p.user(), p.vhost(), p.exchange(), p.write(), p.read()));
  }

  @Override
  public Future<Void> deleteTopicPermission(String user, String vhost, String exchange) {
    return update("DELETE FROM topic_permission WHERE username = $1 AND vhost = $2 AND exchange = $3",
        Tuple.of(user, vhost, exchange));
  }

  @Override
  public Future<Void> saveVhostLimits(VhostLimits l) {
    return update("INSERT INTO vhost_limit (vhost, max_connections, max_queues) VALUES ($1, $2, $3)"
        + " ON CONFLICT (vhost) DO UPDATE SET max_connections = $2, max_queues = $3",
        Tuple.of(l.vhost(), l.maxConnections(), l.maxQueues()));
  }

  @Override
  public Future<Void> vhostDeleted(String vhost) {
    // The foreign keys delete them with the vhost already; this is for a vhost deleted elsewhere first.
    return pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM user_permission WHERE vhost = $1")
            .execute(Tuple.of(vhost))
            .compose(v -> conn.preparedQuery("DELETE FROM topic_permission WHERE vhost = $1").execute(Tuple.of(vhost)))
            .compose(v -> conn.preparedQuery("DELETE FROM vhost_limit WHERE vhost = $1").execute(Tuple.of(vhost))))
        .<Void>mapEmpty().recover(e -> failed("store write failed", e));
  }

  @Override
  public Future<Void> saveUserLimits(UserLimits l) {
    return update("INSERT INTO user_limit (username, max_connections) VALUES ($1, $2)"
        + " ON CONFLICT (username) DO UPDATE SET max_connections = $2", Tuple.of(l.user(), l.maxConnections()));
  }

  private Future<Void> update(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).<Void>mapEmpty().recover(e -> failed("store write failed", e));
  }

  private static <T> Future<T> failed(String message, Throwable cause) {
    return Future.failedFuture(cause instanceof StoreException ? cause : new StoreException(message, cause));
  }
}
