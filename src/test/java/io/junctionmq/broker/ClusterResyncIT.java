package io.junctionmq.broker;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.cluster.TestCluster;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import io.junctionmq.store.PostgresServer;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Anti-entropy: changes a node missed (here: made in PostgreSQL behind every node's back, as
 * if their events were lost) are picked up when the node re-reads the record.
 */
class ClusterResyncIT {

  @Test
  void aNodeThatMissedChangesCatchesUpFromPostgres() throws SQLException {
    try (TestCluster cluster = TestCluster.start(2)) {
      BrokerImpl a = (BrokerImpl) cluster.node(0).broker();
      BrokerImpl b = (BrokerImpl) cluster.node(1).broker();
      a.declareExchange(Exchange.of("/", "resync-x", ExchangeType.DIRECT)).await();
      a.declareQueue(Queue.durable("/", "resync-q")).await();
      org.awaitility.Awaitility.await().until(() -> b.exchanges("/").stream().anyMatch(x -> x.name().equals("resync-x"))
          && b.queues("/").stream().anyMatch(q -> q.queue().name().equals("resync-q")));

      sql(cluster, "INSERT INTO binding (vhost, source, destination_type, destination, routing_key)"
          + " VALUES ('/', 'resync-x', 'queue', 'resync-q', 'k')");
      Binding missed = Binding.toQueue("/", "resync-x", "resync-q", "k");
      assertFalse(b.bindings("/").contains(missed), "no event was sent");

      b.resyncNow().await();
      assertTrue(b.bindings("/").contains(missed), "the binding is read back");

      sql(cluster, "DELETE FROM binding WHERE vhost = '/' AND source = 'resync-x'");
      sql(cluster, "DELETE FROM exchange WHERE vhost = '/' AND name = 'resync-x'");
      b.resyncNow().await();
      assertFalse(b.bindings("/").contains(missed), "the binding is gone");
      assertTrue(b.exchanges("/").stream().noneMatch(x -> x.name().equals("resync-x")), "the exchange is gone");
    }
  }

  private static void sql(TestCluster cluster, String statement) throws SQLException {
    String jdbc = "jdbc:" + cluster.pgUri().replaceFirst("//" + PostgresServer.USER + "@", "//") + "?user="
        + PostgresServer.USER;
    try (var c = DriverManager.getConnection(jdbc); var s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
