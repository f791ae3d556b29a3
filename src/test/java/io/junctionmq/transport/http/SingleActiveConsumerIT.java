package io.junctionmq.transport.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.broker.Consumer;
import io.junctionmq.cluster.TestCluster;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.transport.TestNode;
import io.junctionmq.transport.stomp.RawStompClient;
import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code x-single-active-consumer} as RabbitMQ documents it, over STOMP, over an NDJSON stream
 * and across a failover: the first consumer gets everything, the others wait and are listed so;
 * when the active one goes, the next takes over its unacked messages (redelivered) and the rest.
 */
class SingleActiveConsumerIT {
  private static final Duration T = Duration.ofSeconds(10);
  private static final Duration QUIET = Duration.ofMillis(300);
  private static final int N = 10;
  private static TestNode node;
  private static ApiClient api;
  private static Vertx client;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = new ApiClient(node.httpUrl() + "/api");
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    client.close().await();
    node.close();
  }

  private static void declare(ApiClient on, String queue) {
    var r = on.put("/queues/%2F/" + queue, new JsonObject().put("durable", true)
        .put("arguments", new JsonObject().put("x-single-active-consumer", true)));
    assertEquals(2, r.status() / 100, r.toString());
  }

  private static Message message(String queue, int i) {
    return new Message("", queue, MessageProperties.PERSISTENT, ("m" + i).getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> bodies(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "m" + i).toList();
  }

  /** The consumers of {@code queue} as {@code /api/consumers} lists them, by tag. */
  private static Map<String, JsonObject> listed(ApiClient on, String queue) {
    return on.get("/consumers").array().stream().map(o -> (JsonObject) o)
        .filter(c -> c.getJsonObject("queue").getString("name").equals(queue))
        .collect(Collectors.toMap(c -> c.getString("consumer_tag"), c -> c));
  }

  /** Waits until {@code active} is listed single_active and every other consumer of the queue waiting. */
  private static void awaitListed(ApiClient on, String queue, String active, int consumers) {
    await().atMost(T).untilAsserted(() -> {
      Map<String, JsonObject> all = listed(on, queue);
      assertEquals(consumers, all.size(), all.toString());
      all.forEach((tag, c) -> {
        boolean isActive = tag.equals(active);
        assertEquals(isActive ? "single_active" : "waiting", c.getString("activity_status"), c.encode());
        assertEquals(isActive, c.getBoolean("active"), c.encode());
      });
      assertEquals(active, on.get("/queues/%2F/" + queue).json().getString("single_active_consumer_tag"));
    });
  }

  private static String tagOfConnection(String queue, String connection) {
    return listed(api, queue).values().stream()
        .filter(c -> c.getJsonObject("channel_details").getString("connection_name").equals(connection))
        .findFirst().orElseThrow().getString("consumer_tag");
  }

  private static RawStompClient subscriber(String queue, List<String> sessions) throws Exception {
    var c = new RawStompClient(node.junction().stompPort());
    StompFrame connected = c.connect("0,0");
    sessions.add(connected.header("session"));
    c.send(StompFrame.builder(StompCommand.SUBSCRIBE).header("id", "s").header("destination", "/amq/queue/" + queue)
        .header("ack", "client-individual").header("prefetch-count", "3").header("receipt", "sub").build());
    assertEquals("sub", c.receive(T).header("receipt-id"));
    return c;
  }

  private static void ack(RawStompClient c, StompFrame m) throws Exception {
    c.send(StompFrame.builder(StompCommand.ACK).header("id", m.header("ack")).build());
  }

  @Test
  void overStompOnlyTheFirstSubscriberReceivesAndTheNextTakesOverWhatItLeftUnacked() throws Exception {
    String queue = "sac.stomp";
    declare(api, queue);
    var sessions = new ArrayList<String>();
    try (var first = subscriber(queue, sessions); var second = subscriber(queue, sessions)) {
      for (int i = 0; i < N; i++) {
        node.broker().publish("/", message(queue, i), true).await();
      }
      var held = new ArrayList<StompFrame>();
      for (int i = 0; i < 3; i++) {
        held.add(first.receive(T));
      }
      assertEquals(bodies(0, 3), held.stream().map(StompFrame::bodyText).toList());
      ack(first, held.get(0));
      assertEquals("m3", first.receive(T).bodyText(), "the ack gave the active consumer credit for one more");
      assertThrows(SocketTimeoutException.class, () -> second.receive(QUIET), "the waiting consumer got a message");
      awaitListed(api, queue, tagOfConnection(queue, sessions.get(0)), 2);

      first.send(StompFrame.builder(StompCommand.DISCONNECT).header("receipt", "bye").build());
      assertEquals("bye", first.receive(T).header("receipt-id"));

      var got = new ArrayList<String>();
      for (int i = 1; i < N; i++) {
        StompFrame m = second.receive(T);
        assertEquals(StompCommand.MESSAGE, m.command(), m.toString());
        assertEquals(i < 4 ? "true" : "false", m.header("redelivered"), m.toString());
        got.add(m.bodyText());
        ack(second, m);
      }
      assertEquals(bodies(1, N), got);
      awaitListed(api, queue, tagOfConnection(queue, sessions.get(1)), 1);
      await().atMost(T).until(() -> api.get("/queues/%2F/" + queue).json().getLong("messages") == 0);
    }
  }

  @Test
  void overNdjsonStreamsOnlyTheFirstReceivesAndTheNextTakesOverWhenItsStreamCloses() {
    String queue = "sac.http";
    declare(api, queue);
    String uri = "/api/queues/%2F/" + queue + "/stream?ack=manual&prefetch=3";
    try (var first = LineStream.open(client, node.httpPort(), uri, "application/x-ndjson")) {
      String firstId = new JsonObject(first.nextNonEmpty(T)).getString("consumer");
      await().atMost(T).until(() -> listed(api, queue).size() == 1);
      var second = LineStream.open(client, node.httpPort(), uri, "application/x-ndjson");
      String secondId = new JsonObject(second.nextNonEmpty(T)).getString("consumer");
      for (int i = 0; i < N; i++) {
        node.broker().publish("/", message(queue, i), true).await();
      }
      var held = new ArrayList<JsonObject>();
      for (int i = 0; i < 3; i++) {
        held.add(new JsonObject(first.nextNonEmpty(T)));
      }
      assertEquals(bodies(0, 3), held.stream().map(m -> m.getString("payload")).toList());
      assertEquals(204, api.post("/consumers/" + firstId + "/ack",
          new JsonObject().put("delivery_tag", held.get(0).getLong("delivery_tag"))).status());
      assertEquals("m3", new JsonObject(first.nextNonEmpty(T)).getString("payload"));
      assertNull(second.nextNonEmpty(QUIET), "the waiting consumer got a message");
      awaitListed(api, queue, firstId, 2);

      first.close();

      var got = new ArrayList<String>();
      for (int i = 1; i < N; i++) {
        JsonObject m = new JsonObject(second.nextNonEmpty(T));
        assertEquals(i < 4, m.getBoolean("redelivered"), m.encode());
        got.add(m.getString("payload"));
        assertEquals(204, api.post("/consumers/" + secondId + "/ack",
            new JsonObject().put("delivery_tag", m.getLong("delivery_tag"))).status());
      }
      assertEquals(bodies(1, N), got);
      awaitListed(api, queue, secondId, 1);
      await().atMost(T).until(() -> api.get("/queues/%2F/" + queue).json().getLong("messages") == 0);
      second.close();
    }
  }

  /** A consumer of the failover test: what it got, and from when on it acks each delivery at once. */
  private record Recorded(List<Delivery> got, List<String> acked, boolean[] ackAll, Consumer[] consumer) {
    Recorded() {
      this(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(), new boolean[1], new Consumer[1]);
    }

    void deliver(Delivery d) {
      got.add(d);
      if (ackAll[0]) {
        consumer[0].ack(d.deliveryTag(), false)
            .onSuccess(v -> acked.add(new String(d.message().body(), StandardCharsets.UTF_8)));
      }
    }

    List<String> bodiesSince(int from) {
      return got.subList(from, got.size()).stream()
          .map(d -> new String(d.message().body(), StandardCharsets.UTF_8)).toList();
    }
  }

  @Test
  void afterTheOwnerIsKilledTheQueueIsTakenOverAndServesExactlyOneConsumerLosingNothing() {
    String queue = "sac.failover";
    try (TestCluster cluster = TestCluster.start(2, Map.of("lease.ttl", "2s", "lease.renew-interval", "500ms"))) {
      var api0 = new ApiClient(cluster.httpUrl(0) + "/api");
      declare(api0, queue);
      String ownerId = cluster.awaitOwner("/", queue);
      int owner = cluster.indexOf(ownerId);
      int other = 1 - owner;
      var otherApi = new ApiClient(cluster.httpUrl(other) + "/api");
      var broker = cluster.node(other).broker();
      await().atMost(T).until(() -> broker.queues("/").size() == 1);
      var first = new Recorded();
      var second = new Recorded();
      for (Recorded r : List.of(first, second)) {
        r.consumer[0] = broker.consume("/", queue, ConsumeOptions.of(3, AckMode.CLIENT_INDIVIDUAL), r::deliver).await();
      }
      var confirms = new ArrayList<Future<?>>();
      for (int i = 0; i < N; i++) {
        confirms.add(cluster.node(owner).broker().publish("/", message(queue, i), true));
      }
      Future.all(confirms).await();
      await().atMost(T).until(() -> first.got.size() == 3);
      assertEquals(bodies(0, 3), first.bodiesSince(0));
      first.consumer[0].ack(first.got.get(0).deliveryTag(), false).await();
      first.acked.add("m0");
      await().during(QUIET).atMost(T).until(() -> second.got.isEmpty());
      // Listed by the consumers' node, which learns the active one from the owner's gossiped stats.
      awaitListed(otherApi, queue, first.consumer[0].tag(), 2);

      int firstBefore = first.got.size();
      int secondBefore = second.got.size();
      first.ackAll[0] = true;
      second.ackAll[0] = true;
      cluster.kill(owner);
      assertEquals(cluster.nodeId(other), cluster.awaitOwner("/", queue, Set.of(ownerId)));

      await().atMost(T).until(() -> new TreeSet<>(union(first.acked, second.acked)).equals(new TreeSet<>(bodies(0, N))));
      List<String> afterFirst = first.bodiesSince(firstBefore);
      List<String> afterSecond = second.bodiesSince(secondBefore);
      assertTrue(afterFirst.isEmpty() || afterSecond.isEmpty(),
          "both consumers got messages after the failover: " + afterFirst + " and " + afterSecond);
      Recorded active = afterFirst.isEmpty() ? second : first;
      List<String> after = afterFirst.isEmpty() ? afterSecond : afterFirst;
      assertEquals(bodies(1, N), after.stream().sorted().toList(), "the unacked m1, m2 and the rest, once each");
      awaitListed(otherApi, queue, active.consumer[0].tag(), 2);
      assertEquals(0, broker.queueInfo("/", queue).await().stats().messages());
    }
  }

  private static List<String> union(List<String> a, List<String> b) {
    var all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
