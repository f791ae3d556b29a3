package io.junctionmq.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.broker.ConnectionInfo;
import io.junctionmq.cluster.Clustering;
import io.junctionmq.cluster.TestCluster;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueStats;
import io.junctionmq.security.Passwords;
import io.junctionmq.security.Permission;
import io.junctionmq.security.User;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@link JunctionClient} from a separate clustered Vert.x (its own Hazelcast member) in a
 * 3-broker cluster: membership, confirmed publishing, consuming with prefetch and acks, errors,
 * a client that dies, and the death of the broker node the client uses (last: it leaves two).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JunctionClientIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final long AWAIT_MS = WAIT.toMillis();
  private static TestCluster cluster;
  private static Vertx app;
  private static JunctionClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(3);
    app = Clustering.clientVertx(cluster.memberConfig()).await(AWAIT_MS, TimeUnit.MILLISECONDS);
    client = JunctionClient.connect(app).await(AWAIT_MS, TimeUnit.MILLISECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (client != null) {
        client.close().await(AWAIT_MS, TimeUnit.MILLISECONDS);
      }
      if (app != null) {
        app.close().await(AWAIT_MS, TimeUnit.MILLISECONDS);
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  @Order(1)
  void theClientIsAClusterMemberButNotABroker() throws Exception {
    Set<String> brokers = Set.of(cluster.nodeId(0), cluster.nodeId(1), cluster.nodeId(2));
    assertEquals(4, hazelcastMembers(cluster.vertx(0)), "three brokers and the client's member");
    for (int i = 0; i < 3; i++) {
      assertEquals(brokers, cluster.node(i).membership().members());
    }
    var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(cluster.httpUrl(0)
        + "/api/nodes")).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    Set<String> listed = new JsonArray(response.body()).stream()
        .map(n -> ((io.vertx.core.json.JsonObject) n).getString("name")).collect(Collectors.toSet());
    assertEquals(brokers, listed, "/api/nodes lists the brokers only");

    String node = client.node();
    assertTrue(brokers.contains(node), "the client uses a broker node: " + node);
    List<ConnectionInfo> sessions = cluster.node(cluster.indexOf(node)).broker().connections().stream()
        .filter(c -> c.name().equals(client.id())).toList();
    assertEquals(1, sessions.size(), "its session is a connection on that node");
    assertEquals("eventbus", sessions.get(0).protocol());
  }

  @Test
  @Order(2)
  void publishesWithConfirmsAndConsumesInOrderWithinThePrefetch() throws Exception {
    String queue = "client-work";
    int count = 1000;
    int prefetch = 10;
    client.declareQueue(Queue.durable("/", queue)).await(AWAIT_MS, TimeUnit.MILLISECONDS);
    var confirms = new ArrayList<Future<Void>>();
    for (int i = 0; i < count; i++) {
      confirms.add(client.publish("/", "", queue, MessageProperties.PERSISTENT, bytes("m" + i)));
    }
    Future.all(confirms).await(AWAIT_MS, TimeUnit.MILLISECONDS);
    assertEquals(count, cluster.node(0).broker().queueInfo("/", queue).await().stats().messages(),
        "confirmed means stored");

    var received = new CopyOnWriteArrayList<String>();
    var redelivered = new AtomicInteger();
    var held = new ArrayList<Delivery>();
    var unacked = new AtomicInteger();
    var maxUnacked = new AtomicInteger();
    var consumer = client.consume("/", queue, prefetch, AckMode.CLIENT_INDIVIDUAL, d -> {
      received.add(body(d));
      if (d.redelivered()) {
        redelivered.incrementAndGet();
      }
      maxUnacked.accumulateAndGet(unacked.incrementAndGet(), Math::max);
      held.add(d);
      // Acks wait until the prefetch is used up: a broker that sent more would show it here.
      if (held.size() == prefetch || received.size() == count) {
        held.forEach(h -> {
          unacked.decrementAndGet();
          client.ack(h, false);
        });
        held.clear();
      }
    }).await(AWAIT_MS, TimeUnit.MILLISECONDS);

    await().atMost(WAIT).until(() -> received.size() >= count);
    assertEquals(IntStream.range(0, count).mapToObj(i -> "m" + i).toList(), List.copyOf(received),
        "every message once, in order");
    assertEquals(0, redelivered.get());
    assertEquals(prefetch, maxUnacked.get(), "the prefetch is used, never exceeded");
    await().atMost(WAIT).until(() -> cluster.node(0).broker().queueInfo("/", queue).await().stats().messages() == 0);
    consumer.cancel().await(AWAIT_MS, TimeUnit.MILLISECONDS);
  }

  @Test
  @Order(3)
  void errorsComeBackWithTheirCodesAndTheClientGoesOn() throws Exception {
    var unknown = client.publish("/", "no-such-exchange", "k", MessageProperties.PERSISTENT, bytes("x"));
    assertEquals(ErrorCode.NOT_FOUND, code(unknown));
    client.declareQueue(Queue.durable("/", "client-errors")).await(AWAIT_MS, TimeUnit.MILLISECONDS);
    assertEquals(ErrorCode.PRECONDITION_FAILED, code(client.declareQueue(Queue.transientQueue("/", "client-errors"))));
    assertEquals(ErrorCode.NOT_FOUND, code(client.consume("/", "no-such-queue", 1, AckMode.AUTO, d -> { })));
    assertEquals(ErrorCode.INVALID_ARGUMENT, code(client.consume("/", "client-errors", 0, AckMode.AUTO, d -> { })));

    client.publish("/", "", "client-errors", MessageProperties.PERSISTENT, bytes("after the errors"))
        .await(AWAIT_MS, TimeUnit.MILLISECONDS);
    var received = new CopyOnWriteArrayList<String>();
    var consumer = client.consume("/", "client-errors", 5, AckMode.AUTO, d -> received.add(body(d)))
        .await(AWAIT_MS, TimeUnit.MILLISECONDS);
    await().atMost(WAIT).until(() -> received.equals(List.of("after the errors")));
    assertEquals(ErrorCode.PRECONDITION_FAILED, code(consumer.ack(1, false)), "nothing to ack on an auto-ack consumer");
    consumer.cancel().await(AWAIT_MS, TimeUnit.MILLISECONDS);
  }

  @Test
  @Order(4)
  void aClientThatDiesGivesItsUnackedMessagesBack() throws Exception {
    String queue = "client-dies";
    client.declareQueue(Queue.durable("/", queue)).await(AWAIT_MS, TimeUnit.MILLISECONDS);
    for (int i = 0; i < 20; i++) {
      client.publish("/", "", queue, MessageProperties.PERSISTENT, bytes("d" + i)).await(AWAIT_MS,
          TimeUnit.MILLISECONDS);
    }
    Vertx doomed = Clustering.clientVertx(cluster.memberConfig()).await(AWAIT_MS, TimeUnit.MILLISECONDS);
    var other = JunctionClient.connect(doomed, ClientOptions.DEFAULTS.withHeartbeat(Duration.ofMillis(500)))
        .await(AWAIT_MS, TimeUnit.MILLISECONDS);
    var taken = new CopyOnWriteArrayList<String>();
    other.consume("/", queue, 5, AckMode.CLIENT_INDIVIDUAL, d -> taken.add(body(d)))
        .await(AWAIT_MS, TimeUnit.MILLISECONDS);
    await().atMost(WAIT).until(() -> taken.size() == 5);

    // A crash: its Hazelcast member goes without a goodbye, and no CLOSE reaches its session.
    ((HazelcastClusterManager) ((VertxInternal) doomed).clusterManager()).getHazelcastInstance()
        .getLifecycleService().terminate();
    doomed.close().await(AWAIT_MS, TimeUnit.MILLISECONDS);
    await("its session is closed").atMost(WAIT).until(() -> cluster.running().stream()
        .flatMap(i -> cluster.node(i).broker().connections().stream()).noneMatch(c -> c.name().equals(other.id())));

    var deliveries = new ConcurrentHashMap<String, Boolean>();
    var consumer = client.consume("/", queue, 10, AckMode.AUTO, d -> deliveries.put(body(d), d.redelivered()))
        .await(AWAIT_MS, TimeUnit.MILLISECONDS);
    await().atMost(WAIT).until(() -> deliveries.size() == 20);
    for (String body : taken) {
      assertTrue(deliveries.get(body), body + " was unacked by the dead client: redelivered, flagged");
    }
    assertEquals(15, deliveries.values().stream().filter(r -> !r).count());
    consumer.cancel().await(AWAIT_MS, TimeUnit.MILLISECONDS);
  }

  @Test
  @Order(5)
  void aClientLogsInAndEachOfItsCallsIsCheckedAgainstItsUsersPermissions() throws Exception {
    var users = cluster.node(0).broker().users();
    users.putUser(new User("carol", Passwords.hash("c4rol"), Passwords.PBKDF2, List.of()))
        .await(AWAIT_MS, TimeUnit.MILLISECONDS);
    users.setPermission(new Permission("carol", "/", "^carol\\.", "^(carol\\..*|amq\\.default)$", "^carol\\."))
        .await(AWAIT_MS, TimeUnit.MILLISECONDS);
    await().atMost(WAIT).until(() -> IntStream.range(0, 3).allMatch(i -> cluster.node(i).broker().users()
        .permissions().stream().anyMatch(p -> p.user().equals("carol"))));
    client.declareQueue(Queue.durable("/", "not-carols")).await(AWAIT_MS, TimeUnit.MILLISECONDS);

    assertEquals(ErrorCode.ACCESS_REFUSED,
        code(JunctionClient.connect(app, ClientOptions.DEFAULTS.withCredentials("carol", "wrong"))));
    JunctionClient carol = JunctionClient.connect(app, ClientOptions.DEFAULTS.withCredentials("carol", "c4rol"))
        .await(AWAIT_MS, TimeUnit.MILLISECONDS);
    try {
      assertEquals(ErrorCode.ACCESS_REFUSED, code(carol.declareQueue(Queue.durable("/", "elsewhere"))));
      assertEquals(ErrorCode.ACCESS_REFUSED,
          code(carol.publish("/", "amq.fanout", "k", MessageProperties.PERSISTENT, bytes("x"))));
      assertEquals(ErrorCode.ACCESS_REFUSED, code(carol.consume("/", "not-carols", 1, AckMode.AUTO, d -> { })));

      // Refusals end nothing: the same client declares, publishes and consumes what it may.
      carol.declareQueue(Queue.durable("/", "carol.q")).await(AWAIT_MS, TimeUnit.MILLISECONDS);
      carol.publish("/", "", "carol.q", MessageProperties.PERSISTENT, bytes("hers")).await(AWAIT_MS, TimeUnit.MILLISECONDS);
      var received = new CopyOnWriteArrayList<String>();
      carol.consume("/", "carol.q", 1, AckMode.AUTO, d -> received.add(body(d))).await(AWAIT_MS, TimeUnit.MILLISECONDS);
      await().atMost(WAIT).until(() -> received.equals(List.of("hers")));
    } finally {
      carol.close().await(AWAIT_MS, TimeUnit.MILLISECONDS);
    }
  }

  @Test
  @Order(6)
  void theEmbeddingExampleRuns() throws Exception {
    int port = cluster.memberConfig().clusterPort();
    EmbeddingExample.main(new String[] {cluster.name(), cluster.members(), String.valueOf(port)});
    QueueStats stats = cluster.node(0).broker().queueInfo("/", "greetings").await().stats();
    assertEquals(0, stats.messages(), "every greeting consumed, and acked before the example ended");
    assertEquals(10, stats.acknowledged());
  }

  @Test
  @Order(7)
  void whenItsNodeIsKilledTheClientMovesAndItsConsumerGoesOn() throws Exception {
    // A queue owned by another node than the client's: the kill ends the client's session and
    // its consumer there, not the queue. (An owner's crash and the queue's takeover are
    // QueueClusterIT's; what the client does is the same.)
    String used = client.node();
    assertNotNull(used);
    String queue = null;
    for (int i = 0; queue == null && i < 10; i++) {
      var info = client.declareQueue(Queue.durable("/", "client-failover-" + i))
          .await(AWAIT_MS, TimeUnit.MILLISECONDS);
      queue = info.owner().equals(used) ? null : info.queue().name();
    }
    assertNotNull(queue, "queues are spread over the nodes");
    var before = new ArrayList<Future<Void>>();
    for (int i = 0; i < 100; i++) {
      before.add(client.publish("/", "", queue, MessageProperties.PERSISTENT, bytes("before-" + i)));
    }
    Future.all(before).await(AWAIT_MS, TimeUnit.MILLISECONDS);

    var deliveries = new ConcurrentHashMap<String, List<Boolean>>();
    var acked = new AtomicInteger();
    var acking = new AtomicBoolean(true);
    client.consume("/", queue, 10, AckMode.CLIENT_INDIVIDUAL, d -> {
      deliveries.computeIfAbsent(body(d), k -> new CopyOnWriteArrayList<>()).add(d.redelivered());
      // The first 50 are acked, then 10 are held (the prefetch) until the node is gone.
      if (acking.get()) {
        client.ack(d, false);
        if (acked.incrementAndGet() == 50) {
          acking.set(false);
        }
      }
    }).await(AWAIT_MS, TimeUnit.MILLISECONDS);
    await().atMost(WAIT).until(() -> deliveries.size() == 60);

    acking.set(true);
    cluster.kill(cluster.indexOf(used));
    // Published at once: a request sent before the client hears of the death fails, retriable,
    // and goes through when sent again.
    var after = new ArrayList<Future<Void>>();
    for (int i = 0; i < 100; i++) {
      after.add(client.publish("/", "", queue, MessageProperties.PERSISTENT, bytes("after-" + i)));
    }
    Future.join(after).otherwiseEmpty().await(AWAIT_MS, TimeUnit.MILLISECONDS);
    var retried = new ArrayList<Future<Void>>();
    for (int i = 0; i < 100; i++) {
      if (after.get(i).failed()) {
        var e = assertInstanceOf(JunctionException.class, after.get(i).cause());
        assertEquals(ErrorCode.UNAVAILABLE, e.code(), e.toString());
        retried.add(client.publish("/", "", queue, MessageProperties.PERSISTENT, bytes("after-" + i)));
      }
    }
    Future.all(retried).await(AWAIT_MS, TimeUnit.MILLISECONDS);
    System.out.printf("client failover: %d of 100 publishes sent before the client heard of the kill%n",
        retried.size());

    await().atMost(WAIT).until(() -> deliveries.size() == 200
        && IntStream.range(50, 60).allMatch(i -> deliveries.get("before-" + i).size() == 2));
    assertNotEquals(used, client.node(), "the client moved to another node");
    for (int i = 0; i < 50; i++) {
      assertEquals(List.of(false), deliveries.get("before-" + i), "acked before the kill: delivered once");
    }
    for (int i = 50; i < 60; i++) {
      assertEquals(List.of(false, true), deliveries.get("before-" + i), "unacked at the kill: redelivered, flagged");
    }
    for (int i = 60; i < 100; i++) {
      assertEquals(1, deliveries.get("before-" + i).size(), "held back by the prefetch: delivered once");
    }
    for (int i = 0; i < 100; i++) {
      assertEquals(List.of(false), deliveries.get("after-" + i), "published after the kill: delivered once");
    }
  }

  private static ErrorCode code(Future<?> future) {
    try {
      future.await(AWAIT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      assertInstanceOf(JunctionException.class, e, "a JunctionException: " + e);
      return ((JunctionException) e).code();
    }
    throw new AssertionError("expected a failure");
  }

  private static int hazelcastMembers(Vertx vertx) {
    return ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager()).getHazelcastInstance().getCluster()
        .getMembers().size();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String body(Delivery d) {
    return new String(d.message().body(), StandardCharsets.UTF_8);
  }
}
