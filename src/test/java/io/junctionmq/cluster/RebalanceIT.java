package io.junctionmq.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.broker.Consumer;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Queue;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Queues move to a node that joins, and on {@code POST /api/rebalance}, by graceful hand-over:
 * under load (publishers that wait for each confirm, consumers that ack each delivery, all
 * recorded in a {@link Ledger}) no message is lost and none comes twice or flagged redelivered.
 */
class RebalanceIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void thirtyQueuesOnTwoNodesSpreadTenTenTenWhenAThirdJoinsWithNoRedeliveryAndNothingLost() throws Exception {
    try (var cluster = TestCluster.start(3, Map.of("cluster.rebalance-delay", "300ms"))) {
      cluster.stop(2);
      cluster.awaitMembers(2);
      List<String> queues = declare(cluster, "spread-", 30);
      assertEquals(Map.of("n0", 15, "n1", 15), owners(cluster, queues), "placement spreads the new queues");

      var ledger = new Ledger();
      var publishing = new AtomicBoolean(true);
      var consumers = new ArrayList<Consumer>();
      for (int i = 0; i < queues.size(); i++) {
        consumers.add(consume(cluster.node(i % 2).broker(), cluster.nodeId(i % 2), queues.get(i), ledger));
        publish(cluster.node((i + 1) % 2).broker(), cluster.nodeId((i + 1) % 2), queues.get(i), ledger, publishing, 0);
      }
      await().atMost(WAIT).until(() -> queues.stream().allMatch(q -> ledger.deliveryCount(q) >= 20));

      long joined = System.nanoTime();
      cluster.restart(2);
      long ready = (System.nanoTime() - joined) / 1_000_000;
      await("10/10/10").atMost(WAIT).pollInterval(Duration.ofMillis(100))
          .until(() -> owners(cluster, queues).equals(Map.of("n0", 10, "n1", 10, "n2", 10)));
      long spread = (System.nanoTime() - joined) / 1_000_000;
      int before = queues.stream().mapToInt(ledger::deliveryCount).sum();
      // Every queue goes on delivering through its new owner.
      await().atMost(WAIT).until(() -> queues.stream().allMatch(q -> ledger.deliveriesAfter(q, System.nanoTime()
          - 1_000_000_000L).size() > 0));
      publishing.set(false);

      await("every confirmed message delivered").atMost(WAIT)
          .until(() -> queues.stream().allMatch(q -> ledger.missing(q).isEmpty()));
      int confirmed = queues.stream().mapToInt(ledger::confirmedCount).sum();
      System.out.printf("[rebalance] a third node joined (ready in %d ms): 30 queues spread 10/10/10 %d ms after it"
          + " was ready (300 ms of settle delay); %d messages confirmed, %d delivered before the spread%n", ready,
          spread - ready, confirmed, before);
      for (String q : queues) {
        assertEquals(0, ledger.failedCount(q), "no publish refused: " + ledger.summary(q));
        assertEquals(Map.of(), ledger.duplicates(q), "nothing delivered twice: " + ledger.summary(q));
        assertEquals(List.of(), ledger.deliveriesAfter(q, 0).stream().filter(r -> r.redelivered)
            .map(r -> r.id + " " + r).toList(), "no redelivered flag at all: " + ledger.summary(q));
      }
      consumers.forEach(c -> c.cancel().await());
    }
  }

  @Test
  void withRebalancingManualAJoinMovesNothingUntilAnAdministratorPostsRebalance() {
    try (var cluster = TestCluster.start(2, Map.of("cluster.rebalance", "manual",
        "cluster.rebalance-delay", "100ms"))) {
      cluster.stop(1);
      cluster.awaitMembers(1);
      List<String> queues = declare(cluster, "manual-", 4);
      cluster.restart(1);
      cluster.awaitMembers(2);
      await("nothing moves by itself").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
          .until(() -> owners(cluster, queues).equals(Map.of("n0", 4)));

      NodesApi.Response answer = NodesApi.post(cluster.httpUrl(1), "/api/rebalance").orElseThrow();
      assertEquals(202, answer.status(), answer.body());
      JsonObject plan = answer.json();
      assertEquals(2, plan.getInteger("count"), answer.body());
      plan.getJsonArray("moves").forEach(m -> assertEquals("n1", ((JsonObject) m).getString("to"), answer.body()));
      await("2/2").atMost(WAIT).pollInterval(Duration.ofMillis(100))
          .until(() -> owners(cluster, queues).equals(Map.of("n0", 2, "n1", 2)));

      JsonObject again = NodesApi.post(cluster.httpUrl(0), "/api/rebalance").orElseThrow().json();
      assertEquals(0, again.getInteger("count"), "balanced: nothing more to move");
    }
  }

  private static List<String> declare(TestCluster cluster, String prefix, int count) {
    List<String> queues = IntStream.range(0, count).mapToObj(i -> String.format("%s%02d", prefix, i)).toList();
    for (String q : queues) {
      cluster.node(0).broker().declareQueue(Queue.durable("/", q)).await();
    }
    await().atMost(WAIT).until(() -> owners(cluster, queues).values().stream().mapToInt(n -> n).sum() == count);
    return queues;
  }

  /** How many of {@code queues} each node owns, as the lease rows say. */
  private static Map<String, Integer> owners(TestCluster cluster, List<String> queues) {
    Map<String, Integer> owned = new TreeMap<>();
    for (String q : queues) {
      cluster.owner("/", q).ifPresent(o -> owned.merge(o, 1, Integer::sum));
    }
    return owned;
  }

  private static Consumer consume(Broker broker, String node, String queue, Ledger ledger) {
    var consumer = new Consumer[1];
    consumer[0] = broker.consume("/", queue, ConsumeOptions.of(20, AckMode.CLIENT_INDIVIDUAL), d -> {
      var r = ledger.received(queue, QueueClusterIT.body(d), d.redelivered(), d.deliveryTag(), node, "c-" + queue);
      consumer[0].ack(d.deliveryTag(), false).onSuccess(v -> r.ackedAt = System.nanoTime());
    }).await();
    return consumer[0];
  }

  /** Publishes to {@code queue} one message at a time, each once the one before is confirmed. */
  private static void publish(Broker broker, String node, String queue, Ledger ledger, AtomicBoolean publishing,
                              int n) {
    if (!publishing.get()) {
      return;
    }
    String id = queue + "-" + n;
    broker.publish("/", QueueClusterIT.persistent(queue, id), true).onComplete(ar -> {
      if (ar.succeeded()) {
        ledger.confirmed(queue, id, node);
      } else {
        ledger.publishFailed(queue);
      }
      publish(broker, node, queue, ledger, publishing, n + 1);
    });
  }
}
