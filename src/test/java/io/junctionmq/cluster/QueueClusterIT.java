package io.junctionmq.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.ClientInfo;
import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.broker.Consumer;
import io.junctionmq.broker.GetResult;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.transport.stomp.RawStompClient;
import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Queues in a 3-node cluster (real Hazelcast members in this JVM, one PostgreSQL): the
 * metadata view, placement, publishing and consuming across nodes, and what happens to a
 * queue when its owner dies or leaves.
 */
class QueueClusterIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start(3);
    cluster.awaitMembers(3);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void declaringBindingAndDeletingOnOneNodeIsSeenByAll() {
    Broker a = cluster.node(0).broker();
    a.declareExchange(Exchange.of("/", "meta-x", ExchangeType.TOPIC)).await();
    a.declareQueue(Queue.durable("/", "meta-q")).await();
    Binding binding = Binding.toQueue("/", "meta-x", "meta-q", "a.*");
    a.bind(binding).await();
    for (int i = 0; i < 3; i++) {
      Broker b = cluster.node(i).broker();
      await().atMost(WAIT).until(() -> b.exchanges("/").stream().anyMatch(x -> x.name().equals("meta-x"))
          && b.queues("/").stream().anyMatch(q -> q.queue().name().equals("meta-q"))
          && b.bindings("/").contains(binding));
    }

    cluster.node(1).broker().unbind(binding).await();
    cluster.node(2).broker().deleteQueue("/", "meta-q", false, false).await();
    for (int i = 0; i < 3; i++) {
      Broker b = cluster.node(i).broker();
      await().atMost(WAIT).until(() -> !b.bindings("/").contains(binding)
          && b.queues("/").stream().noneMatch(q -> q.queue().name().equals("meta-q")));
    }
    assertTrue(cluster.owner("/", "meta-q").isEmpty(), "a deleted queue has no lease");
  }

  @Test
  void newQueuesAreSpreadOverTheNodes() {
    Set<String> owners = new HashSet<>();
    for (int i = 0; i < 9; i++) {
      var info = cluster.node(0).broker().declareQueue(Queue.durable("/", "spread-" + i)).await();
      assertEquals(info.owner(), cluster.owner("/", "spread-" + i).orElseThrow(), "the lease names the owner");
      owners.add(info.owner());
    }
    assertEquals(Set.of(cluster.nodeId(0), cluster.nodeId(1), cluster.nodeId(2)), owners);
  }

  @Test
  void eachNodesMetricsCountTheMembersAndOnlyTheQueuesItOwns() {
    List<String> names = IntStream.range(0, 6).mapToObj(i -> "metrics-" + i).toList();
    for (String name : names) {
      cluster.node(0).broker().declareQueue(Queue.durable("/", name)).await();
    }
    await().atMost(WAIT).untilAsserted(() -> {
      List<Integer> running = cluster.running();
      for (int i : running) {
        String text = cluster.node(i).metrics().scrape().await().toString();
        assertTrue(text.contains("\njunction_cluster_members " + running.size() + ".0\n"), text);
        for (String name : names) {
          boolean owner = cluster.owner("/", name).orElseThrow().equals(cluster.nodeId(i));
          assertEquals(owner, text.contains("\njunction_queue_messages_ready{queue=\"" + name + "\",vhost=\"/\"} "),
              name + " on node " + i);
        }
      }
    });
  }

  @Test
  void publishOnOneNodeConsumeOnAnotherWithPrefetch() throws Exception {
    String queue = "across";
    cluster.node(0).broker().declareQueue(Queue.durable("/", queue)).await();
    int owner = cluster.indexOf(cluster.awaitOwner("/", queue));
    int publisher = (owner + 1) % 3;
    int consumerNode = (owner + 2) % 3;
    awaitKnown(consumerNode, queue);
    awaitKnown(publisher, queue);

    int count = 500;
    int prefetch = 10;
    var received = new CopyOnWriteArrayList<String>();
    var outstanding = new ArrayList<Delivery>();
    var maxOutstanding = new AtomicInteger();
    var consumerRef = new Consumer[1];
    Broker c = cluster.node(consumerNode).broker();
    consumerRef[0] = c.consume("/", queue, ConsumeOptions.of(prefetch, AckMode.CLIENT_INDIVIDUAL), d -> {
      received.add(body(d));
      outstanding.add(d);
      maxOutstanding.accumulateAndGet(outstanding.size(), Math::max);
      if (outstanding.size() == prefetch || received.size() == count) {
        outstanding.forEach(o -> consumerRef[0].ack(o.deliveryTag(), false));
        outstanding.clear();
      }
    }).await();

    Broker p = cluster.node(publisher).broker();
    var confirms = new ArrayList<Future<?>>();
    for (int i = 0; i < count; i++) {
      confirms.add(p.publish("/", persistent(queue, "m" + i), true));
    }
    Future.all(confirms).await();

    await().atMost(WAIT).until(() -> received.size() >= count);
    assertEquals(IntStream.range(0, count).mapToObj(i -> "m" + i).toList(), List.copyOf(received),
        "every message once, in order");
    assertTrue(maxOutstanding.get() <= prefetch, "never more than the prefetch unacked: " + maxOutstanding.get());
    await().atMost(WAIT).until(() -> cluster.node(publisher).broker().queueInfo("/", queue).await().stats()
        .messages() == 0);
    consumerRef[0].cancel().await();
  }

  @Test
  void aQueueDeletedOnAThirdNodeEndsTheSubscription() {
    String queue = "deleted-elsewhere";
    cluster.node(0).broker().declareQueue(Queue.durable("/", queue)).await();
    int owner = cluster.indexOf(cluster.awaitOwner("/", queue));
    int consumerNode = (owner + 1) % 3;
    awaitKnown(consumerNode, queue);
    var ended = new AtomicLong();
    cluster.node(consumerNode).broker().consume("/", queue, ConsumeOptions.of(10, AckMode.AUTO), d -> { }).await()
        .endHandler(reason -> ended.incrementAndGet());
    awaitKnown((owner + 2) % 3, queue);
    cluster.node((owner + 2) % 3).broker().deleteQueue("/", queue, false, false).await();
    await().atMost(WAIT).until(() -> ended.get() == 1);
  }

  @Test
  void aGetOnANodeThatDoesNotOwnTheQueueTakesFromItsOwner() {
    cluster.node(0).broker().declareQueue(Queue.durable("/", "remote-get")).await();
    int other = (cluster.indexOf(cluster.awaitOwner("/", "remote-get")) + 1) % 3;
    awaitKnown(other, "remote-get");
    Broker b = cluster.node(other).broker();
    for (int i = 0; i < 3; i++) {
      b.publish("/", persistent("remote-get", "m" + i), true).await();
    }
    GetResult first = b.get("/", "remote-get", false).await();
    assertEquals("m0", body(first.delivery()));
    assertEquals(2, first.messageCount());
    GetResult second = b.get("/", "remote-get", false).await();
    assertEquals("m1", body(second.delivery()));
    second.nack(true).await();
    first.ack().await();

    GetResult again = b.get("/", "remote-get", true).await();
    assertEquals("m1", body(again.delivery()));
    assertTrue(again.delivery().redelivered());
    assertEquals("m2", body(b.get("/", "remote-get", true).await().delivery()));
    assertTrue(b.get("/", "remote-get", true).await().isEmpty());
  }

  @Test
  void whatANodeHoldsByGetsGoesBackWhenThatNodeDies() {
    try (TestCluster fresh = TestCluster.start(2)) {
      fresh.awaitMembers(2);
      fresh.node(0).broker().declareQueue(Queue.durable("/", "held-get")).await();
      int owner = fresh.indexOf(fresh.awaitOwner("/", "held-get"));
      int getter = 1 - owner;
      Broker o = fresh.node(owner).broker();
      o.publish("/", persistent("held-get", "m0"), true).await();
      await().atMost(WAIT).until(() -> fresh.node(getter).broker().queues("/").size() == 1);
      GetResult held = fresh.node(getter).broker().get("/", "held-get", false).await();
      assertEquals("m0", body(held.delivery()));
      assertEquals(1, o.queueInfo("/", "held-get").await().stats().messagesUnacknowledged());

      fresh.kill(getter);

      await().atMost(WAIT).until(() -> o.queueInfo("/", "held-get").await().stats().messagesReady() == 1);
      GetResult back = o.get("/", "held-get", true).await();
      assertEquals("m0", body(back.delivery()));
      assertTrue(back.delivery().redelivered());
    }
  }

  @Test
  void killedOwnerIsReplacedAndConsumersKeepTheirSubscription() {
    try (TestCluster fresh = TestCluster.start(3)) {
      fresh.awaitMembers(3);
      String queue = "failover";
      Roles roles = Roles.declare(fresh, queue);
      String ownerId = roles.ownerId();
      int owner = roles.owner();
      int consumerNode = roles.consumer();
      int publisher = roles.publisher();

      var deliveries = new ConcurrentHashMap<String, List<Boolean>>();
      var unackedTag = new AtomicLong(-1);
      var firstAfterKill = new AtomicLong();
      var killedAt = new AtomicLong(Long.MAX_VALUE);
      var acked = new AtomicInteger();
      var consumer = new Consumer[1];
      consumer[0] = fresh.node(consumerNode).broker().consume("/", queue,
          ConsumeOptions.of(100, AckMode.CLIENT_INDIVIDUAL), d -> {
            deliveries.computeIfAbsent(body(d), k -> new CopyOnWriteArrayList<>()).add(d.redelivered());
            if (System.nanoTime() > killedAt.get()) {
              firstAfterKill.compareAndSet(0, System.nanoTime());
            }
            // The first 50 are acked; the others stay unacked until the owner dies.
            if (acked.get() < 50 && !d.redelivered()) {
              acked.incrementAndGet();
              consumer[0].ack(d.deliveryTag(), false);
            } else if (d.redelivered() || killedAt.get() != Long.MAX_VALUE) {
              consumer[0].ack(d.deliveryTag(), false);
            } else {
              unackedTag.compareAndSet(-1, d.deliveryTag());
            }
          }).await();

      Broker p = fresh.node(publisher).broker();
      var confirms = new ArrayList<Future<?>>();
      for (int i = 0; i < 100; i++) {
        confirms.add(p.publish("/", persistent(queue, "before-" + i), true));
      }
      Future.all(confirms).await();
      await().atMost(WAIT).until(() -> deliveries.size() == 100);

      killedAt.set(System.nanoTime());
      fresh.kill(owner);
      String successor = fresh.awaitOwner("/", queue, Set.of(ownerId));
      assertNotEquals(ownerId, successor);
      // The publisher may notice the death after the successor did: a publish it sent to the dead
      // owner meanwhile fails unavailable (it may have been stored), which is not what this tests.
      fresh.awaitMembers(2);

      for (int i = 0; i < 100; i++) {
        p.publish("/", persistent(queue, "after-" + i), true).await();
      }
      await().atMost(WAIT).until(() -> deliveries.size() == 200
          && IntStream.range(50, 100).allMatch(i -> deliveries.get("before-" + i).size() == 2));
      System.out.printf("failover: kill -> first delivery from the new owner %d ms%n",
          (firstAfterKill.get() - killedAt.get()) / 1_000_000);
      for (int i = 0; i < 50; i++) {
        assertEquals(List.of(false), deliveries.get("before-" + i), "acked before the kill: delivered once");
      }
      // An ack for a delivery of the dead owner settles nothing, and says so.
      Future<Void> stale = consumer[0].ack(unackedTag.get(), false);
      await().atMost(WAIT).until(stale::isComplete);
      assertTrue(stale.failed(), "an ack of the former owner's delivery is refused");
      assertEquals(io.junctionmq.model.ErrorCode.QUEUE_UNAVAILABLE,
          ((io.junctionmq.model.JunctionException) stale.cause()).code());
      for (int i = 50; i < 100; i++) {
        assertEquals(List.of(false, true), deliveries.get("before-" + i), "unacked at the kill: redelivered, flagged");
      }
      for (int i = 0; i < 100; i++) {
        assertFalse(deliveries.get("after-" + i).contains(true), "published after the kill: delivered once");
      }
    }
  }

  @Test
  void aStompAckOfTheFormerOwnersDeliveryIsAnsweredAndTheSessionGoesOn() throws Exception {
    try (TestCluster fresh = TestCluster.start(2)) {
      fresh.awaitMembers(2);
      fresh.node(0).broker().declareQueue(Queue.durable("/", "stomp-moved")).await();
      int owner = fresh.indexOf(fresh.awaitOwner("/", "stomp-moved"));
      int survivor = 1 - owner;
      await().atMost(WAIT).until(() -> fresh.node(survivor).broker().queues("/").size() == 1);
      try (var stomp = new RawStompClient(fresh.stompPort(survivor))) {
        assertEquals(StompCommand.CONNECTED, stomp.connect("0,0").command());
        stomp.send(StompFrame.builder(StompCommand.SUBSCRIBE).header("id", "s").header("destination", "/queue/stomp-moved")
            .header("ack", "client-individual").header("receipt", "sub").build());
        assertEquals(StompCommand.RECEIPT, stomp.receive(WAIT).command());
        fresh.node(owner).broker().publish("/", persistent("stomp-moved", "m0"), true).await();
        StompFrame first = stomp.receive(WAIT);
        assertEquals("m0", first.bodyText());

        fresh.kill(owner);

        StompFrame again = stomp.receive(WAIT);
        assertEquals("m0", again.bodyText());
        assertEquals("true", again.header("redelivered"));
        stomp.send(StompFrame.builder(StompCommand.ACK).header("id", first.header("ack")).header("receipt", "stale").build());
        StompFrame answer = stomp.receive(WAIT);
        assertEquals(StompCommand.RECEIPT, answer.command(), "not an ERROR: " + answer);
        stomp.send(StompFrame.builder(StompCommand.ACK).header("id", again.header("ack")).header("receipt", "fresh").build());
        assertEquals("fresh", stomp.receive(WAIT).header("receipt-id"));
        assertEquals(0, fresh.node(survivor).broker().queueInfo("/", "stomp-moved").await().stats().messages());
      }
    }
  }

  @Test
  void stoppedOwnerHandsItsQueueOverWithoutRedeliveries() {
    try (TestCluster fresh = TestCluster.start(3)) {
      fresh.awaitMembers(3);
      String queue = "hand-over";
      Roles roles = Roles.declare(fresh, queue);
      String ownerId = roles.ownerId();
      int owner = roles.owner();
      int consumerNode = roles.consumer();
      int publisher = roles.publisher();

      var received = new ConcurrentHashMap<String, Integer>();
      var redelivered = new AtomicInteger();
      var consumer = new Consumer[1];
      consumer[0] = fresh.node(consumerNode).broker().consume("/", queue,
          ConsumeOptions.of(50, AckMode.CLIENT_INDIVIDUAL), d -> {
            received.merge(body(d), 1, Integer::sum);
            if (d.redelivered()) {
              redelivered.incrementAndGet();
            }
            consumer[0].ack(d.deliveryTag(), false);
          }).await();

      Broker p = fresh.node(publisher).broker();
      var confirmed = ConcurrentHashMap.<String>newKeySet();
      var publishing = new Thread(() -> {
        for (int i = 0; i < 400; i++) {
          String body = "m" + i;
          p.publish("/", persistent(queue, body), true).onSuccess(r -> confirmed.add(body)).await();
        }
      });
      publishing.start();
      await().atMost(WAIT).until(() -> confirmed.size() > 100);
      fresh.stop(owner);
      await().atMost(WAIT).until(() -> !publishing.isAlive());
      assertNotEquals(ownerId, fresh.awaitOwner("/", queue, Set.of(ownerId)));
      await().atMost(WAIT).until(() -> received.keySet().containsAll(confirmed));
      assertEquals(400, confirmed.size(), "every publish confirmed across the hand-over");
      assertEquals(0, redelivered.get(), "no redeliveries: the consumer acked promptly");
      assertTrue(received.values().stream().allMatch(n -> n == 1), "each message delivered once");
    }
  }

  @Test
  void aConsumerWhoseConnectionClosesWhileItAttachesIsCancelledOnTheOwner() {
    String queue = "closed-while-attaching";
    cluster.node(0).broker().declareQueue(Queue.durable("/", queue)).await();
    String ownerId = cluster.awaitOwner("/", queue);
    int owner = cluster.indexOf(ownerId);
    int consumerNode = (owner + 1) % 3;
    awaitKnown(consumerNode, queue);

    Future<Consumer> consuming;
    try (var held = HeldConsumes.between(cluster.vertx(consumerNode), ownerId)) {
      var connection = cluster.node(consumerNode).broker().connect(ClientInfo.of("test", "closes early", null));
      consuming = connection.consume("/", queue, ConsumeOptions.of(20, AckMode.CLIENT_INDIVIDUAL), d -> { });
      await().atMost(WAIT).until(() -> held.count() == 1);
      connection.close("the test closed it").await();
    }
    await().atMost(WAIT).until(consuming::isComplete);
    await("the owner keeps no consumer of the closed connection").atMost(WAIT)
        .until(() -> cluster.node(owner).broker().queueInfo("/", queue).await().stats().consumers() == 0);
    assertTrue(consuming.failed(), "a consume that completes after its connection closed fails");
    assertDrained(cluster, consumerNode, queue, "closed-");
  }

  @Test
  void aConsumeThatFailsWhileItsQueueIsHandedOverLeavesNoConsumerOnTheNewOwner() {
    try (TestCluster fresh = TestCluster.start(3)) {
      fresh.awaitMembers(3);
      String queue = "handed-over-while-attaching";
      Roles roles = Roles.declare(fresh, queue);
      // A stopping node hands its only queue to the first of the others: the consumer is on the second.
      List<Integer> others = IntStream.range(0, 3).filter(i -> i != roles.owner()).boxed()
          .sorted(Comparator.comparing(fresh::nodeId)).toList();
      int successor = others.get(0);
      int consumerNode = others.get(1);

      Future<Consumer> consuming;
      try (var held = HeldConsumes.between(fresh.vertx(consumerNode), roles.ownerId())) {
        consuming = fresh.node(consumerNode).broker().consume("/", queue,
            ConsumeOptions.of(20, AckMode.CLIENT_INDIVIDUAL), d -> { });
        await().atMost(WAIT).until(() -> held.count() == 1);
        // The consumer's node hears of the hand-over while its attach to the former owner is in flight.
        fresh.stop(roles.owner());
        await().atMost(WAIT).until(() -> fresh.node(consumerNode).broker().queues("/").stream()
            .anyMatch(q -> q.queue().name().equals(queue) && fresh.nodeId(successor).equals(q.owner())));
      }
      await().atMost(WAIT).until(consuming::isComplete);
      assertTrue(consuming.failed(), "the former owner never answered the attach");
      await("the new owner keeps no consumer of the failed consume").atMost(WAIT)
          .until(() -> fresh.node(successor).broker().queueInfo("/", queue).await().stats().consumers() == 0);
      assertDrained(fresh, consumerNode, queue, "moved-");
    }
  }

  /**
   * Publishes 50 messages to {@code queue} and drains them with a consumer on {@code consumerNode}:
   * all arrive, and the queue ends empty (no consumer elsewhere holds any of them).
   */
  private static void assertDrained(TestCluster cluster, int consumerNode, String queue, String prefix) {
    Broker b = cluster.node(consumerNode).broker();
    var received = ConcurrentHashMap.<String>newKeySet();
    var consumer = new Consumer[1];
    consumer[0] = b.consume("/", queue, ConsumeOptions.of(20, AckMode.CLIENT_INDIVIDUAL), d -> {
      received.add(body(d));
      consumer[0].ack(d.deliveryTag(), false);
    }).await();
    var confirms = new ArrayList<Future<?>>();
    for (int i = 0; i < 50; i++) {
      confirms.add(b.publish("/", persistent(queue, prefix + i), true));
    }
    Future.all(confirms).await();
    await().atMost(WAIT).until(() -> received.size() == 50 && b.queueInfo("/", queue).await().stats().messages() == 0);
    consumer[0].cancel().await();
  }

  /**
   * A durable queue declared in a fresh 3-node cluster: its owner, the node a consumer uses and
   * the node a publisher uses (the other two), once both of them know the queue.
   */
  private record Roles(String ownerId, int owner, int consumer, int publisher) {
    static Roles declare(TestCluster cluster, String queue) {
      cluster.node(0).broker().declareQueue(Queue.durable("/", queue)).await();
      String ownerId = cluster.awaitOwner("/", queue);
      int owner = cluster.indexOf(ownerId);
      var roles = new Roles(ownerId, owner, (owner + 1) % 3, (owner + 2) % 3);
      await().atMost(WAIT).until(() -> cluster.node(roles.consumer()).broker().queues("/").size() == 1
          && cluster.node(roles.publisher()).broker().queues("/").size() == 1);
      return roles;
    }
  }

  private static void awaitKnown(int node, String queue) {
    await().atMost(WAIT).until(() -> cluster.node(node).broker().queues("/").stream()
        .anyMatch(q -> q.queue().name().equals(queue) && q.owner() != null));
  }

  static Message persistent(String queue, String body) {
    return new Message("", queue, MessageProperties.PERSISTENT, body.getBytes(StandardCharsets.UTF_8));
  }

  static String body(Delivery d) {
    return new String(d.message().body(), StandardCharsets.UTF_8);
  }
}
