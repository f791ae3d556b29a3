package io.junctionmq.store;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** Builds the reactive PostgreSQL pool that the stores share. */
public final class PgPools {
  private PgPools() {
  }

  /**
   * A pool of at most {@code maxSize} connections to {@code uri}
   * ({@code postgresql://user:password@host:port/database}). Creating it does not connect.
   */
  public static Pool create(Vertx vertx, String uri, int maxSize) {
    return create(vertx, PgConnectOptions.fromUri(uri), maxSize);
  }

  public static Pool create(Vertx vertx, PgConnectOptions connectOptions, int maxSize) {
    PgConnectOptions options = new PgConnectOptions(connectOptions)
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
    options.addProperty("application_name", "junction");
    PoolOptions poolOptions = new PoolOptions()
        .setMaxSize(maxSize)
        .setMaxWaitQueueSize(10_000)
        .setConnectionTimeout(10)
        .setConnectionTimeoutUnit(TimeUnit.SECONDS)
        .setIdleTimeout(5)
        .setIdleTimeoutUnit(TimeUnit.MINUTES);
    return PgBuilder.pool().with(poolOptions).connectingTo(options).using(vertx).build();
  }
}
