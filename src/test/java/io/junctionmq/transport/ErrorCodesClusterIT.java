package io.junctionmq.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.junctionmq.broker.QueueInfo;
import io.junctionmq.client.ClientOptions;
import io.junctionmq.client.JunctionClient;
import io.junctionmq.cluster.Clustering;
import io.junctionmq.cluster.TestCluster;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.store.StoreOutage;
import io.junctionmq.transport.stomp.RawStompClient;
import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same failure has the same code on HTTP, STOMP and {@link JunctionClient}, whichever node
 * the client uses: a 2-node cluster on a database that the test makes unavailable while the
 * nodes run ({@link StoreOutage}), and queues owned by the node the clients use (n0) and by the
 * other (n1), so that every request about the latter is carried out on n1 and answered by n0.
 */
class ErrorCodesClusterIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String ON_N0 = "outage-on-n0";
  private static final String ON_N1 = "outage-on-n1";
  private static final String FULL_ON_N1 = "full-on-n1";
  private static TestCluster cluster;
  private static Vertx app;
  private static JunctionClient client;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(2);
    // Each declared through the node that should own it, once the other knows the one before:
    // a node places a new queue on the node with fewest, itself when even.
    declare(0, ON_N0, Map.of());
    declare(1, ON_N1, Map.of());
    declare(1, FULL_ON_N1, Map.of("x-max-length", 1L, "x-overflow", "reject-publish"));
    app = Clustering.clientVertx(cluster.memberConfig()).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    client = JunctionClient.connect(app, ClientOptions.DEFAULTS.withPreferredNodes(List.of(cluster.nodeId(0))))
        .await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (client != null) {
        client.close().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (app != null) {
        app.close().await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      if (cluster != null) {
        // One after the other: n1 hands its queues to n0, which then has nobody to hand them to.
        // Stopped together, each would wait for the other to take its queues.
        cluster.stop(1);
        cluster.close();
      }
    }
  }

  @Test
  void duringAStoreOutageAnHttpPublishAnswers503StoreUnavailableAndAfterItSucceeds() throws Exception {
    for (String queue : List.of(ON_N0, ON_N1)) {
      long before = messages(queue);
      try (var outage = StoreOutage.begin(cluster.pgUri())) {
        HttpResponse<String> failed = httpPublish(queue);
        assertEquals(503, failed.statusCode(), queue + ": " + failed.body());
        assertEquals(new JsonObject().put("error", "store_unavailable").put("reason", "the message store is unavailable"),
            new JsonObject(failed.body()), queue);
      }
      HttpResponse<String> published = httpPublish(queue);
      assertEquals(200, published.statusCode(), queue + ": " + published.body());
      assertEquals(true, new JsonObject(published.body()).getBoolean("routed"));
      awaitMessages(queue, before + 1);
    }
  }

  @Test
  void duringAStoreOutageAStompSendIsAnsweredByAnErrorFrameCodedStoreUnavailableAndAfterItSucceeds() throws Exception {
    for (String queue : List.of(ON_N0, ON_N1)) {
      long before = messages(queue);
      try (var outage = StoreOutage.begin(cluster.pgUri())) {
        StompFrame error = stompSend(queue);
        assertEquals(StompCommand.ERROR, error.command(), queue + ": " + error);
        assertEquals("store_unavailable", error.header("code"), queue);
        assertEquals("store_unavailable: the message store is unavailable", error.header("message"));
        assertEquals("s1", error.header("receipt-id"));
      }
      StompFrame receipt = stompSend(queue);
      assertEquals(StompCommand.RECEIPT, receipt.command(), queue + ": " + receipt);
      awaitMessages(queue, before + 1);
    }
  }

  @Test
  void duringAStoreOutageAJunctionClientPublishFailsStoreUnavailableAndAfterItSucceeds() throws Exception {
    assertEquals(cluster.nodeId(0), client.node());
    for (String queue : List.of(ON_N0, ON_N1)) {
      long before = messages(queue);
      try (var outage = StoreOutage.begin(cluster.pgUri())) {
        JunctionException e = failure(clientPublish(queue));
        assertEquals(ErrorCode.STORE_UNAVAILABLE, e.code(), queue + ": " + e);
        assertEquals("the message store is unavailable", e.reason());
      }
      clientPublish(queue).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      awaitMessages(queue, before + 1);
    }
  }

  @Test
  void duringAStoreOutageDeclaringAQueueFailsStoreUnavailableOnEveryTransportAndAfterItSucceeds() throws Exception {
    try (var outage = StoreOutage.begin(cluster.pgUri())) {
      HttpResponse<String> http = httpDeclare("declared-by-http");
      assertEquals(503, http.statusCode(), http.body());
      assertEquals("store_unavailable", new JsonObject(http.body()).getString("error"));

      // A SEND to /queue/{name} declares the queue first.
      StompFrame stomp = stompSendTo("/queue/declared-by-stomp");
      assertEquals(StompCommand.ERROR, stomp.command(), stomp.toString());
      assertEquals("store_unavailable: the message store is unavailable", stomp.header("message"));

      JunctionException e = failure(client.declareQueue(Queue.durable("/", "declared-by-client")));
      assertEquals(ErrorCode.STORE_UNAVAILABLE, e.code(), e.toString());
      assertEquals("the message store is unavailable", e.reason());
    }
    assertEquals(201, httpDeclare("declared-by-http").statusCode());
    assertEquals(StompCommand.RECEIPT, stompSendTo("/queue/declared-by-stomp").command());
    client.declareQueue(Queue.durable("/", "declared-by-client")).await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void aPublishThatTheOtherNodesFullQueueRefusesFailsQueueFullOnEveryTransport() throws Exception {
    HttpResponse<String> first = httpPublish(FULL_ON_N1);
    assertEquals(200, first.statusCode(), first.body());
    awaitMessages(FULL_ON_N1, 1);

    HttpResponse<String> refused = httpPublish(FULL_ON_N1);
    assertEquals(409, refused.statusCode(), refused.body());
    assertEquals(new JsonObject().put("error", "queue_full")
        .put("reason", "queue '" + FULL_ON_N1 + "' is full (x-overflow reject-publish)"), new JsonObject(refused.body()));

    StompFrame error = stompSend(FULL_ON_N1);
    assertEquals(StompCommand.ERROR, error.command(), error.toString());
    assertEquals("queue_full", error.header("code"));

    JunctionException e = failure(clientPublish(FULL_ON_N1));
    assertEquals(ErrorCode.QUEUE_FULL, e.code(), e.toString());
    assertEquals("queue '" + FULL_ON_N1 + "' is full (x-overflow reject-publish)", e.reason());
    assertEquals(1, messages(FULL_ON_N1));
  }

  private static void declare(int node, String name, Map<String, Object> arguments) {
    QueueInfo info = cluster.node(node).broker().declareQueue(new Queue("/", name, true, false, false, arguments))
        .await();
    assertEquals(cluster.nodeId(node), info.owner(), name + " is owned by the node that declared it");
    int other = 1 - node;
    await(cluster.nodeId(other) + " knows where " + name + " is").atMost(WAIT).ignoreExceptions()
        .until(() -> cluster.nodeId(node).equals(cluster.node(other).broker().queueInfo("/", name).await().owner()));
  }

  /** The messages of {@code queue} as its owner counts them. */
  private static long messages(String queue) {
    int owner = queue.endsWith("n0") ? 0 : 1;
    return cluster.node(owner).broker().queueInfo("/", queue).await().stats().messages();
  }

  /** A failed publish stored nothing, and the one that succeeded is stored once. */
  private static void awaitMessages(String queue, long count) {
    await(queue + " holds " + count).atMost(WAIT).until(() -> messages(queue) == count);
  }

  private HttpResponse<String> httpPublish(String queue) throws Exception {
    var body = new JsonObject().put("routing_key", queue).put("payload", "m").put("payload_encoding", "string")
        .put("properties", new JsonObject().put("delivery_mode", 2));
    var request = HttpRequest.newBuilder(URI.create(cluster.httpUrl(0) + "/api/exchanges/%2F/amq.default/publish"))
        .timeout(WAIT).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> httpDeclare(String queue) throws Exception {
    var request = HttpRequest.newBuilder(URI.create(cluster.httpUrl(0) + "/api/queues/%2F/" + queue))
        .timeout(WAIT).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(new JsonObject().put("durable", true).encode())).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A persistent SEND to an existing queue, with a receipt, on a new connection to n0; the frame that answers it. */
  private static StompFrame stompSend(String queue) throws Exception {
    return stompSendTo("/amq/queue/" + queue);
  }

  private static StompFrame stompSendTo(String destination) throws Exception {
    try (var stomp = new RawStompClient(cluster.stompPort(0))) {
      assertEquals(StompCommand.CONNECTED, stomp.connect("0,0").command());
      stomp.send(StompFrame.builder(StompCommand.SEND).header("destination", destination)
          .header("persistent", "true").header("receipt", "s1").body("m\n".getBytes(StandardCharsets.UTF_8)).build());
      StompFrame answer = stomp.receive(WAIT);
      assertNotNull(answer, "the connection closed without an answer");
      return answer;
    }
  }

  private static Future<Void> clientPublish(String queue) {
    return client.publish("/", "", queue, MessageProperties.PERSISTENT, "m".getBytes(StandardCharsets.UTF_8));
  }

  private static JunctionException failure(Future<?> future) {
    try {
      future.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return assertInstanceOf(JunctionException.class, e, "a JunctionException: " + e);
    }
    throw new AssertionError("expected a failure");
  }
}
