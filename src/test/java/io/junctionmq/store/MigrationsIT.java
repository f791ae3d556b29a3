package io.junctionmq.store;

import static io.junctionmq.store.MessageStoreContract.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MigrationsIT {
  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  private static List<Integer> versions(Pool pool) {
    List<Integer> versions = new ArrayList<>();
    for (Row row : await(pool.query("SELECT version FROM schema_version ORDER BY version").execute())) {
      versions.add(row.getInteger(0));
    }
    return versions;
  }

  @Test
  void applyingTwiceAppliesEachScriptOnce() {
    Pool pool = PgPools.create(vertx, TestPostgres.newEmptyDatabase(), 2);
    int latest = Migrations.SCRIPTS.size();
    assertEquals(latest, await(Migrations.apply(pool)));
    assertEquals(latest, await(Migrations.apply(pool)));
    assertEquals(List.of(1, 2, 3, 4), versions(pool));
    assertEquals(0L, await(pool.query("SELECT count(*) FROM message").execute()).iterator().next().getLong(0));
    await(pool.close());
  }

  @Test
  void nodesStartingTogetherApplyEachScriptOnce() {
    String uri = TestPostgres.newEmptyDatabase();
    List<Pool> nodes = List.of(PgPools.create(vertx, uri, 1), PgPools.create(vertx, uri, 1),
        PgPools.create(vertx, uri, 1));
    List<Future<Integer>> applied = nodes.stream().map(Migrations::apply).toList();
    await(Future.all(applied));
    applied.forEach(f -> assertEquals(Migrations.SCRIPTS.size(), f.result()));
    assertEquals(List.of(1, 2, 3, 4), versions(nodes.get(0)));
    nodes.forEach(p -> await(p.close()));
  }

  @Test
  void theMessageTableVacuumsAggressively() {
    Pool pool = PgPools.create(vertx, TestPostgres.newDatabase(), 1);
    Row row = await(pool.query("SELECT reloptions::text FROM pg_class WHERE relname = 'message'").execute())
        .iterator().next();
    String options = row.getString(0);
    assertEquals(true, options.contains("autovacuum_vacuum_scale_factor=0"), options);
    assertEquals(true, options.contains("autovacuum_vacuum_cost_delay=0"), options);
    await(pool.close());
  }
}
