package io.junctionmq.store;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** Builds the reactive PostgreSQL pool that the stores share. */
public final class PgPools {
  /** Below Hazelcast's suspicion time (5 s), after which the others take a silent node's queues. */
  static final java.time.Duration IDLE_IN_TRANSACTION = java.time.Duration.ofSeconds(3);

  private PgPools() {
  }

  /**
   * A pool of at most {@code maxSize} connections to {@code uri}
   * ({@code postgresql://user:password@host:port/database}). Creating it does not connect.
   * Several hosts ({@code postgresql://user@h1:5432,h2:5432/database?target_session_attrs=read-write})
   * are tried in order for each new connection, as libpq does ({@link WritableHost}).
   */
  public static Pool create(Vertx vertx, String uri, int maxSize) {
    PgHosts hosts = PgHosts.parse(uri);
    if (!hosts.needsChoosing()) {
      return create(vertx, hosts.hosts().get(0), maxSize);
    }
    var chooser = new WritableHost(vertx, hosts.hosts().stream().map(PgPools::prepare).toList(), hosts.readWrite());
    return PgBuilder.pool().with(poolOptions(maxSize)).connectingTo(chooser).using(vertx).build();
  }

  public static Pool create(Vertx vertx, PgConnectOptions connectOptions, int maxSize) {
    return PgBuilder.pool().with(poolOptions(maxSize)).connectingTo(prepare(connectOptions)).using(vertx).build();
  }

  private static PgConnectOptions prepare(PgConnectOptions connectOptions) {
    PgConnectOptions options = new PgConnectOptions(connectOptions)
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
    options.addProperty("application_name", "junction");
    // A node frozen (kill -STOP, a long GC) in the middle of a write batch keeps its transaction
    // open, and with it the lock on its queues' lease rows, so no other node could take them
    // over until it ran again. PostgreSQL ends such a session after this; batches never idle
    // in a transaction for more than a round trip.
    options.addProperty("idle_in_transaction_session_timeout", String.valueOf(IDLE_IN_TRANSACTION.toMillis()));
    return options;
  }

  private static PoolOptions poolOptions(int maxSize) {
    return new PoolOptions()
        .setMaxSize(maxSize)
        .setMaxWaitQueueSize(10_000)
        .setConnectionTimeout(10)
        .setConnectionTimeoutUnit(TimeUnit.SECONDS)
        .setIdleTimeout(5)
        .setIdleTimeoutUnit(TimeUnit.MINUTES);
  }
}
