package io.junctionmq.cluster;

import static io.junctionmq.cluster.MixedLoad.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.store.ExternalPostgres;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's message backup: PostgreSQL streaming replication to a synchronous standby
 * ({@code synchronous_standby_names}, {@code synchronous_commit=on}), the broker given both
 * servers in one URI with {@code target_session_attrs=read-write}. Under load over HTTP and
 * STOMP ({@link MixedLoad}) the primary is killed ({@code kill -9}) and the standby promoted
 * ({@code pg_ctl promote}), as an operator or a failover manager would; the broker goes on
 * with the new primary by itself, and every confirmed message is delivered.
 */
class PostgresReplicationIT {
  @Test
  void whenThePrimaryIsKilledAndItsSynchronousStandbyPromotedTheBrokerGoesOnWithItAndLosesNothingConfirmed()
      throws Exception {
    ExternalPostgres.assumeInstalled();
    try (var primary = ExternalPostgres.create("PostgresReplicationIT-primary",
            Map.of("synchronous_standby_names", "'standby'", "synchronous_commit", "on")).start();
         // Once promoted it has no standby of its own: waiting for one would stop every commit.
         var standby = ExternalPostgres.standbyOf(primary, "standby", Map.of("synchronous_standby_names", "''")).start()) {
      await("the standby streams synchronously").atMost(WAIT).pollInterval(Duration.ofMillis(100))
          .until(() -> primary.query("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'"),
              "sync"::equals);
      String uri = "postgresql://postgres@" + primary.hostPort() + "," + standby.hostPort()
          + "/postgres?target_session_attrs=read-write";
      try (var node = NodeProcess.cluster("PostgresReplicationIT", 1, uri, Map.of()).get(0);
           var load = new MixedLoad(node.awaitReady(), "replicated")) {
        load.awaitConfirmedMore(100);

        primary.kill9();
        long killed = System.nanoTime();
        standby.promote();
        long promotedMillis = (System.nanoTime() - killed) / 1_000_000;
        assertEquals("off", standby.query("SHOW transaction_read_only"), "the standby accepts writes");
        load.awaitConfirmedMore(1);
        long confirmingMillis = (System.nanoTime() - killed) / 1_000_000;
        await("/ready is 200 on the new primary").atMost(WAIT).pollInterval(Duration.ofMillis(100))
            .until(() -> NodesApi.get(node.httpUrl(), "/ready").filter(r -> r.status() == 200).isPresent());
        long readyMillis = (System.nanoTime() - killed) / 1_000_000;
        load.awaitConfirmedMore(100);

        load.stopAndCheckNothingConfirmedLost();
        System.out.printf("PostgresReplicationIT: %s; standby promoted %d ms after the kill, first confirm again"
                + " after %d ms, /ready 200 after %d ms; deliveries of unconfirmed messages: %s%n", load.summary(),
            promotedMillis, confirmingMillis, readyMillis, load.unconfirmedDeliveriesAfter(0));
        assertTrue(node.isAlive(), "the broker ran on, never restarted");
        assertTrue(Long.parseLong(standby.query("SELECT count(*) FROM queue")) >= 2,
            "the queues are on the new primary");
      }
    }
  }
}
