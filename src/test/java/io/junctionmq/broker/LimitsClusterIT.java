package io.junctionmq.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.junctionmq.cluster.TestCluster;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Queue;
import io.junctionmq.security.VhostLimits;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A vhost's limits count the whole cluster: connections by the counts the nodes announce, queues
 * by the declarations they announce. Each node then refuses on its own.
 */
class LimitsClusterIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  /** Null when {@code broker} lets a connection to the vhost in (which is closed again), else why not. */
  private static ErrorCode connecting(Broker broker, String vhost) throws Exception {
    Connection c;
    try {
      c = broker.connect(ClientInfo.of("test", "probe", null).vhost(vhost));
    } catch (JunctionException e) {
      return e.code();
    }
    c.close("probe").await(10, TimeUnit.SECONDS);
    return null;
  }

  @Test
  void aVhostsConnectionAndQueueLimitsCountTheOtherNodesToo() throws Exception {
    try (TestCluster cluster = TestCluster.start(2)) {
      Broker a = cluster.node(0).broker();
      Broker b = cluster.node(1).broker();
      a.declareVhost("shared").await(10, TimeUnit.SECONDS);
      a.users().setLimits(new VhostLimits("shared", 1, 1), null).await(10, TimeUnit.SECONDS);
      await("n1 knows the limits").atMost(WAIT)
          .until(() -> b.users().limits("shared").map(VhostLimits::maxConnections).orElse(0) == 1);

      Connection onA = a.connect(ClientInfo.of("test", "on n0", null).vhost("shared"));
      await("n1 counts n0's connection").atMost(WAIT)
          .until(() -> connecting(b, "shared") == ErrorCode.LIMIT_REACHED);
      onA.close("test").await(10, TimeUnit.SECONDS);
      await("n0's closed connection frees the place on n1").atMost(WAIT).until(() -> connecting(b, "shared") == null);

      a.declareQueue(Queue.durable("shared", "first")).await(10, TimeUnit.SECONDS);
      await("n1 knows the queue declared on n0").atMost(WAIT).until(() -> b.queues("shared").size() == 1);
      var refused = assertThrows(JunctionException.class,
          () -> b.declareQueue(Queue.durable("shared", "second")).await(10, TimeUnit.SECONDS));
      assertEquals(ErrorCode.LIMIT_REACHED, refused.code());
      assertEquals(1, a.queues("shared").size());
    }
  }
}
