package io.junctionmq.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.cluster.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link WritableHost} against the test PostgreSQL: a "standby" is a database whose sessions
 * are read-only ({@code default_transaction_read_only}, which {@code SHOW transaction_read_only}
 * reports as a hot standby does), a dead host a port nothing listens on.
 */
class WritableHostIT {
  private static Vertx vertx;
  private static PgConnectOptions dead;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    dead = PgConnectOptions.fromUri("postgresql://postgres@127.0.0.1:" + FreePorts.next() + "/postgres");
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void aConnectionGoesToTheFirstHostThatAcceptsWritesPassingADeadOneAndAStandby() throws Exception {
    PgConnectOptions standby = standby();
    PgConnectOptions primary = PgConnectOptions.fromUri(TestPostgres.newDatabase());
    var chooser = new WritableHost(vertx, List.of(dead, standby, primary), true);
    assertEquals(primary.getDatabase(), chosen(chooser).getDatabase());
  }

  @Test
  void withAnyTheFirstHostThatAnswersWillDoEvenAStandby() throws Exception {
    PgConnectOptions standby = standby();
    var chooser = new WritableHost(vertx, List.of(dead, standby, PgConnectOptions.fromUri(TestPostgres.newDatabase())),
        false);
    assertEquals(standby.getDatabase(), chosen(chooser).getDatabase());
  }

  @Test
  void whenNoHostAcceptsWritesTheConnectionFailsSayingWhatEachAnswered() {
    PgConnectOptions standby = standby();
    var chooser = new WritableHost(vertx, List.of(dead, standby), true);
    var e = assertThrows(StoreException.class, () -> chosen(chooser));
    assertTrue(e.getMessage().startsWith("no PostgreSQL server of 127.0.0.1:" + dead.getPort() + ", "), e.getMessage());
    assertTrue(e.getMessage().contains("accepts writes: 127.0.0.1:" + dead.getPort() + ": "), e.getMessage());
    assertTrue(e.getMessage().endsWith(": read-only (a standby)"), e.getMessage());
  }

  @Test
  void theNextConnectionFollowsThePrimaryWhenItTurnsIntoAStandbyAndAnotherIsPromoted() throws Exception {
    String first = TestPostgres.newDatabase();
    String second = TestPostgres.newDatabase();
    TestPostgres.execute(second, "ALTER DATABASE " + database(second) + " SET default_transaction_read_only = on");
    var chooser = new WritableHost(vertx, List.of(PgConnectOptions.fromUri(first), PgConnectOptions.fromUri(second)),
        true);
    assertEquals(database(first), chosen(chooser).getDatabase());

    // From the server's own database: a read-only one cannot run ALTER DATABASE.
    String admin = TestPostgres.server().uri();
    TestPostgres.execute(admin, "ALTER DATABASE " + database(first) + " SET default_transaction_read_only = on");
    TestPostgres.execute(admin, "ALTER DATABASE " + database(second) + " SET default_transaction_read_only = off");
    assertEquals(database(second), chosen(chooser).getDatabase(), "the new primary");
  }

  private static PgConnectOptions standby() {
    String uri = TestPostgres.newDatabase();
    TestPostgres.execute(uri, "ALTER DATABASE " + database(uri) + " SET default_transaction_read_only = on");
    return PgConnectOptions.fromUri(uri);
  }

  private static String database(String uri) {
    return PgConnectOptions.fromUri(uri).getDatabase();
  }

  private static SqlConnectOptions chosen(WritableHost chooser) throws Exception {
    try {
      return chooser.get().await(WritableHost.PROBE_TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
