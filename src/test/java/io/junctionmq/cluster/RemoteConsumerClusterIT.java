package io.junctionmq.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.ClientInfo;
import io.junctionmq.broker.Connection;
import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.broker.Consumer;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.Queue;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
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

  @Test
  void eitherNodeListsAndClosesTheConnectionsAndConsumersOfBoth() {
    String queue = "listed";
    cluster.node(0).broker().declareQueue(Queue.durable("/", queue)).await();
    await().atMost(WAIT).until(() -> cluster.node(1).broker().queues("/").stream()
        .anyMatch(q -> q.queue().name().equals(queue) && q.owner() != null));
    Api.as(0, null).put("/users/mona", new JsonObject().put("password", "pw").put("tags", "management"));
    Api.as(0, null).put("/permissions/%2F/mona", new JsonObject().put("configure", ".*").put("write", ".*")
        .put("read", ".*"));
    Broker b1 = cluster.node(1).broker();
    // Logged in where the user was made: node 1 learns of it a little later.
    var monaIdentity = cluster.node(0).broker().login("mona", "pw", null, "test").await();
    Connection c0 = cluster.node(0).broker().connect(ClientInfo.of("test", "client-on-0", null));
    Connection c1 = b1.as(monaIdentity).connect(ClientInfo.of("test", "mona-on-1", null).vhost("/"));
    c0.consume("/", queue, new ConsumeOptions("tag-on-0", 5, AckMode.AUTO), d -> { }).await();
    c1.consume("/", queue, new ConsumeOptions("tag-on-1", 7, AckMode.CLIENT_INDIVIDUAL), d -> { }).await();
    try {
      for (int i = 0; i < 2; i++) {
        JsonArray connections = Api.as(i, null).get("/connections").array();
        assertEquals(cluster.nodeId(0), nodeOf(connections, "user_provided_name", "client-on-0"), "on node " + i);
        assertEquals(cluster.nodeId(1), nodeOf(connections, "user_provided_name", "mona-on-1"), "on node " + i);
        JsonArray consumers = Api.as(i, null).get("/consumers/%2F").array();
        assertEquals(cluster.nodeId(0), consumerNode(consumers, "tag-on-0"), "on node " + i);
        assertEquals(cluster.nodeId(1), consumerNode(consumers, "tag-on-1"), "on node " + i);
      }
      JsonObject page = Api.as(0, null).get("/consumers?page=1&page_size=1&name=listed&sort=consumer_tag").object();
      assertEquals(2, page.getInteger("filtered_count"));
      assertFalse(page.getBoolean("partial"));
      assertEquals("tag-on-0", page.getJsonArray("items").getJsonObject(0).getString("consumer_tag"));

      var mona = Api.as(0, "mona");
      assertEquals(Set.of("mona-on-1"), mona.get("/connections").array().stream()
          .map(o -> ((JsonObject) o).getString("user_provided_name")).collect(Collectors.toSet()),
          "a management user sees its own connections only");
      assertEquals(404, mona.delete("/connections/" + c0.id()).status(), "nor may it close another's");

      assertEquals(204, Api.as(1, null).delete("/connections/" + c0.id()).status());
      await().atMost(WAIT).until(() -> Api.as(1, null).get("/consumers").array().stream()
          .noneMatch(o -> ((JsonObject) o).getString("consumer_tag").equals("tag-on-0")));
      assertEquals(204, mona.delete("/connections/" + c1.id()).status(), "its own, on the other node");
      assertTrue(b1.connections().isEmpty());
      assertEquals(404, Api.as(0, null).delete("/connections/" + c1.id()).status());
    } finally {
      c0.close("the test ends").await();
      c1.close("the test ends").await();
    }
  }

  @Test
  void aNodeThatDoesNotAnswerIsNamedInsteadOfHoldingTheListUp() {
    Connection c1 = cluster.node(1).broker().connect(ClientInfo.of("test", "silent-node-client", null));
    // Node 1 stays a member but its answers never come, as when the event bus loses them.
    Handler<DeliveryContext<Object>> deaf = ctx -> {
      if (!ctx.message().address().equals(Protocol.objects(cluster.nodeId(1)))) {
        ctx.next();
      }
    };
    cluster.vertx(1).eventBus().addInboundInterceptor(deaf);
    try {
      long asked = System.nanoTime();
      var response = Api.as(0, null).get("/connections?page=1&name=silent-node-client");
      long tookMs = (System.nanoTime() - asked) / 1_000_000;
      JsonObject page = response.object();
      assertEquals(cluster.nodeId(1), response.missingNodes());
      assertTrue(page.getBoolean("partial"));
      assertEquals(new JsonArray().add(cluster.nodeId(1)), page.getJsonArray("missing_nodes"));
      assertEquals(0, page.getInteger("filtered_count"), "node 1's connection is not listed");
      assertTrue(tookMs < 5_000, "answered after the 2 s wait for node 1, not held up: " + tookMs + " ms");

      cluster.vertx(1).eventBus().removeInboundInterceptor(deaf);
      var whole = Api.as(0, null).get("/connections?name=silent-node-client");
      assertEquals(1, whole.array().size());
      assertEquals(null, whole.missingNodes());
    } finally {
      cluster.vertx(1).eventBus().removeInboundInterceptor(deaf);
      c1.close("the test ends").await();
    }
  }

  private static String nodeOf(JsonArray items, String field, String value) {
    return items.stream().map(o -> (JsonObject) o).filter(o -> value.equals(o.getString(field))).findFirst()
        .map(o -> o.getString("node")).orElse("none in " + items.encode());
  }

  private static String consumerNode(JsonArray items, String tag) {
    return items.stream().map(o -> (JsonObject) o).filter(o -> tag.equals(o.getString("consumer_tag"))).findFirst()
        .map(o -> o.getJsonObject("channel_details").getString("node")).orElse("none in " + items.encode());
  }

  /** The management API of node {@code i} as a user (null: the anonymous guest of localhost), each call bounded. */
  private record Api(int node, String user) {
    private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static Api as(int node, String user) {
      return new Api(node, user);
    }

    record Response(int status, String body, String missingNodes) {
      JsonArray array() {
        assertEquals(200, status, body);
        return new JsonArray(body);
      }

      JsonObject object() {
        assertEquals(200, status, body);
        return new JsonObject(body);
      }
    }

    Response get(String path) {
      return send(request(path).GET());
    }

    Response delete(String path) {
      return send(request(path).DELETE());
    }

    Response put(String path, JsonObject body) {
      Response r = send(request(path).header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString(body.encode())));
      assertTrue(r.status() / 100 == 2, r.body());
      return r;
    }

    private HttpRequest.Builder request(String path) {
      var b = HttpRequest.newBuilder(URI.create(cluster.httpUrl(node) + "/api" + path)).timeout(Duration.ofSeconds(10));
      if (user != null) {
        b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":pw")
            .getBytes(StandardCharsets.UTF_8)));
      }
      return b;
    }

    private static Response send(HttpRequest.Builder request) {
      try {
        HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().firstValue("Junction-Missing-Nodes").orElse(null));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
