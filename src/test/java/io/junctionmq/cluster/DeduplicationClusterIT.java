package io.junctionmq.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.junctionmq.broker.Broker;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A deduplicating queue's window moves with the queue: its new owner after a crash refuses the old ids. */
class DeduplicationClusterIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static Message withId(String id) {
    return new Message("", "dd.failover", MessageProperties.builder().persistent(true).messageId(id).build(),
        id.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theWindowHoldsAcrossAFailover() {
    try (TestCluster cluster = TestCluster.start(2)) {
      cluster.node(0).broker().declareQueue(new Queue("/", "dd.failover", true, false, false,
          Map.of("x-message-deduplication", true, "x-deduplication-window", 600_000))).await();
      int owner = cluster.indexOf(cluster.awaitOwner("/", "dd.failover"));
      int survivor = 1 - owner;
      Broker o = cluster.node(owner).broker();
      o.publish("/", withId("a"), false).await();
      o.publish("/", withId("b"), false).await();
      // Consumed before the crash: the window is of accepted ids, not of present messages.
      assertEquals("a", new String(o.get("/", "dd.failover", true).await().delivery().message().body(),
          StandardCharsets.UTF_8));

      cluster.kill(owner);
      cluster.awaitOwner("/", "dd.failover", Set.of(cluster.nodeId(owner)));

      Broker s = cluster.node(survivor).broker();
      s.publish("/", withId("a"), false).await();
      s.publish("/", withId("b"), false).await();
      s.publish("/", withId("c"), false).await();
      await().atMost(WAIT).until(() -> s.queueInfo("/", "dd.failover").await().stats().deduplicated() == 2);
      QueueStats after = s.queueInfo("/", "dd.failover").await().stats();
      assertEquals(2, after.messages(), "b from before the crash and c; a and b again were duplicates");
    }
  }
}
