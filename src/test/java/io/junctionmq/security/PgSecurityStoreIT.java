package io.junctionmq.security;

import io.junctionmq.store.PgPools;
import io.junctionmq.store.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The security store contract on PostgreSQL (schema V2). */
class PgSecurityStoreIT extends SecurityStoreContract {
  private static Vertx vertx;
  private static String uri;
  private static Pool pool;

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    uri = TestPostgres.newDatabase();
    pool = PgPools.create(vertx, uri, 2);
  }

  @AfterAll
  static void disconnect() {
    pool.close().await();
    vertx.close().await();
  }

  @Override
  protected SecurityStore emptyStore() {
    TestPostgres.truncate(uri);
    TestPostgres.execute(uri, "INSERT INTO vhost (name) VALUES ('/'), ('shop')");
    return new PgSecurityStore(pool);
  }
}
