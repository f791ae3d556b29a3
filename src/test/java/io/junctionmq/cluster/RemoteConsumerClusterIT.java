package io.junctionmq.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.broker.Consumer;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.Queue;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Consumers on one node of a queue owned by another, in a 2-node cluster: the owner finds a
 * consumer whose CANCEL was lost, and the management API lists both nodes' connections and
 * consumers on either node.
 */
class RemoteConsumerClusterIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** The owner probes every lease.renew-interval; a consumer gone without a cancel ends within two. */
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(300);
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start(2, Map.of("lease.renew-interval", PROBE_INTERVAL.toMillis() + "ms"));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aRemoteConsumerWhoseCancelIsLostIsEndedByTheOwnerAndItsMessagesComeBackRedelivered() {
    String queue = "lost-cancel";
    cluster.node(0).broker().declareQueue(Queue.durable("/", queue)).await();
    int owner = cluster.indexOf(cluster.awaitOwner("/", queue));
    int remote = 1 - owner;
    await().atMost(WAIT).until(() -> cluster.node(remote).broker().queues("/").stream()
        .anyMatch(q -> q.queue().name().equals(queue) && q.owner() != null));
    Broker o = cluster.node(owner).broker();
    for (int i = 0; i < 3; i++) {
      o.publish("/", QueueClusterIT.persistent(queue, "m" + i), true).await();
    }
    var first = new CopyOnWriteArrayList<Delivery>();
    Consumer lost = cluster.node(remote).broker().consume("/", queue,
        ConsumeOptions.of(10, AckMode.CLIENT_INDIVIDUAL), first::add).await();
    await().atMost(WAIT).until(() -> first.size() == 3);
    assertEquals(3, o.queueInfo("/", queue).await().stats().messagesUnacknowledged());

    // The remote node's CANCEL to the owner never arrives, as when the event bus loses it.
    Handler<DeliveryContext<Object>> dropCancels = ctx -> {
      if (!(ctx.body() instanceof Buffer b && b.length() > 0 && b.getByte(0) == Protocol.CANCEL
          && ctx.message().address().equals(Protocol.node(cluster.nodeId(owner))))) {
        ctx.next();
      }
    };
    cluster.vertx(remote).eventBus().addOutboundInterceptor(dropCancels);
    try {
      long cancelledAt = System.nanoTime();
      lost.cancel();

      var again = new CopyOnWriteArrayList<Delivery>();
      o.consume("/", queue, ConsumeOptions.of(10, AckMode.AUTO), again::add).await();
      // Well before the 5 s request timeout: the probe found it, not a timeout.
      await().atMost(Duration.ofSeconds(3)).until(() -> again.size() == 3);
      long tookMs = (System.nanoTime() - cancelledAt) / 1_000_000;
      assertEquals(List.of("m0", "m1", "m2"), again.stream().map(QueueClusterIT::body).toList());
      assertTrue(again.stream().allMatch(Delivery::redelivered), "flagged redelivered");
      System.out.printf("lost cancel detected and messages redelivered after %d ms (probe every %d ms)%n", tookMs,
          PROBE_INTERVAL.toMillis());
    } finally {
      cluster.vertx(remote).eventBus().removeOutboundInterceptor(dropCancels);
    }
  }

  static Set<String> names(List<?> items) {
    return items.stream().map(Object::toString).collect(Collectors.toSet());
  }
}
