package io.junctionmq.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.junctionmq.Junction;
import io.junctionmq.cluster.FreePorts;
import io.junctionmq.cluster.TestCluster;
import io.junctionmq.config.JunctionConfig;
import io.junctionmq.model.Queue;
import io.junctionmq.store.Migrations;
import io.junctionmq.store.PostgresServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code /health} and {@code /ready} of a real node, with a real PostgreSQL that goes away and comes back. */
class HealthIT {
  /** A request that takes longer than this counts as hanging. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(3);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();

  private record Answer(int status, JsonObject body) {
    JsonObject check(String id) {
      JsonArray checks = body.getJsonArray("checks");
      for (int i = 0; i < checks.size(); i++) {
        if (checks.getJsonObject(i).getString("id").equals(id)) {
          return checks.getJsonObject(i);
        }
      }
      throw new AssertionError("no check '" + id + "' in " + body);
    }
  }

  private Answer get(int port, String path) throws IOException, InterruptedException {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(ANSWER_WITHIN).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), new JsonObject(response.body()));
  }

  @Test
  void healthAndReadyAnswer200OnAStartedBroker() throws Exception {
    try (TestNode node = TestNode.start()) {
      Answer health = get(node.httpPort(), "/health");
      assertEquals(200, health.status());
      assertEquals("UP", health.body().getString("status"));

      Answer ready = get(node.httpPort(), "/ready");
      assertEquals(200, ready.status(), ready.body().encode());
      assertEquals("UP", ready.body().getString("status"));
      assertEquals(4, ready.body().getJsonArray("checks").size(), ready.body().encode());
      for (String id : new String[] {"store", "migrations", "cluster", "queues"}) {
        assertEquals("UP", ready.check(id).getString("status"), ready.body().encode());
      }
      assertEquals(Migrations.expectedVersion(), ready.check("migrations").getJsonObject("data").getInteger("version"));
      assertEquals(false, ready.check("cluster").getJsonObject("data").getBoolean("clustered"));
    }
  }

  @Test
  void clusteredNodesAreReadyAndASurvivorStaysReadyAndLogsTheFailoverWhenAnotherDies() throws Exception {
    var events = new ListAppender<ILoggingEvent>();
    // The broker's and the cluster's events at INFO, to this appender only (the test log stays at WARN).
    var loggers = List.of((Logger) LoggerFactory.getLogger("io.junctionmq.broker"),
        (Logger) LoggerFactory.getLogger("io.junctionmq.cluster"));
    events.start();
    loggers.forEach(l -> {
      l.setLevel(Level.INFO);
      l.setAdditive(false);
      l.addAppender(events);
    });
    try (var cluster = TestCluster.start(2)) {
      for (int i = 0; i < 2; i++) {
        Answer ready = get(cluster.node(i).httpPort(), "/ready");
        assertEquals(200, ready.status(), ready.body().encode());
        JsonObject data = ready.check("cluster").getJsonObject("data");
        assertEquals(true, data.getBoolean("clustered"));
        assertEquals(new JsonArray().add("n0").add("n1"), data.getJsonArray("members"));
      }
      cluster.node(1).broker().declareQueue(new Queue("/", "on-n1", true, false, false, Map.of())).await();
      await("n0 knows that n1 owns on-n1").atMost(TestCluster.TIMEOUT).ignoreExceptions()
          .until(() -> "n1".equals(cluster.node(0).broker().queueInfo("/", "on-n1").await().owner()));
      int survivor = cluster.node(0).httpPort();
      cluster.kill(1);
      await("n0 lists only itself").atMost(TestCluster.TIMEOUT).pollInterval(Duration.ofMillis(200))
          .until(() -> get(survivor, "/ready").check("cluster").getJsonObject("data").getJsonArray("members").size() == 1);
      assertEquals(200, get(survivor, "/ready").status());

      await("n0 logs that it took on-n1 over").atMost(TestCluster.TIMEOUT)
          .until(() -> fields(events, "queue.owned").stream().anyMatch(f -> "taken-over".equals(f.get("cause"))));
      Map<String, Object> left = fields(events, "cluster.member.left").stream()
          .filter(f -> "n0".equals(f.get("observer"))).findFirst().orElseThrow();
      assertEquals("n1", left.get("node"));
      assertEquals(1L, left.get("queues"));
      Map<String, Object> takenOver = fields(events, "queue.owned").stream()
          .filter(f -> "taken-over".equals(f.get("cause"))).findFirst().orElseThrow();
      assertEquals("on-n1", takenOver.get("queue"));
      assertEquals("n0", takenOver.get("node"));
      assertEquals("n1", takenOver.get("from"));
    } finally {
      loggers.forEach(l -> {
        l.detachAppender(events);
        l.setAdditive(true);
        l.setLevel(null);
      });
    }
  }

  /** The key-value pairs of each logged event named {@code event}. */
  private static List<Map<String, Object>> fields(ListAppender<ILoggingEvent> appender, String event) {
    var found = new ArrayList<Map<String, Object>>();
    for (ILoggingEvent e : List.copyOf(appender.list)) {
      var kv = new HashMap<String, Object>();
      if (e.getKeyValuePairs() != null) {
        e.getKeyValuePairs().forEach(p -> kv.put(p.key, p.value));
      }
      if (event.equals(kv.get("event"))) {
        found.add(kv);
      }
    }
    return found;
  }

  @Test
  void beforeTheBrokerStartsHealthIsUpAndReadyListsEveryCheckAsStarting() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      var config = JunctionConfig.defaults().with(Map.of("http.host", "127.0.0.1", "http.port", 0));
      WebServer web = WebServer.listen(vertx, config).await();
      assertEquals(200, get(web.port(), "/health").status());
      Answer ready = get(web.port(), "/ready");
      assertEquals(503, ready.status());
      assertEquals("DOWN", ready.check("queues").getString("status"));
      assertEquals("the node is starting", ready.check("store").getString("reason"));
      web.close().await();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void readyGoesDownWhilePostgresIsStoppedAndUpWhenItReturns() throws Exception {
    Path dir = Path.of(System.getProperty("basedir", "."), "target", "health-it", "pg-" + ProcessHandle.current().pid())
        .toAbsolutePath();
    int pgPort = FreePorts.next();
    PostgresServer pg = PostgresServer.start(dir, pgPort, false);
    Vertx vertx = Vertx.vertx();
    try {
      var config = JunctionConfig.defaults().with(Map.of("pg.uri", pg.uri(), "http.host", "127.0.0.1",
          "http.port", 0, "stomp.host", "127.0.0.1", "stomp.port", 0));
      Junction node = Junction.start(vertx, config).await();
      try {
        int port = node.httpPort();
        node.broker().declareQueue(new Queue("/", "orders", true, false, false, Map.of())).await();
        assertEquals(200, get(port, "/ready").status());

        pg.close();
        pg = null;
        await("/ready answers 503").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
            .until(() -> get(port, "/ready").status() == 503);
        Answer down = get(port, "/ready");
        assertEquals("DOWN", down.body().getString("status"));
        assertEquals("DOWN", down.check("store").getString("status"), down.body().encode());
        assertTrue(!down.check("store").getString("reason", "").isBlank(), down.body().encode());
        // What does not depend on PostgreSQL still answers, and at once.
        assertEquals("UP", down.check("migrations").getString("status"), down.body().encode());
        assertEquals("UP", down.check("queues").getString("status"), down.body().encode());
        assertEquals(200, get(port, "/health").status());
        Answer overview = get(port, "/api/overview");
        assertEquals(200, overview.status());
        assertEquals(1, overview.body().getJsonObject("object_totals").getInteger("queues"));

        pg = PostgresServer.start(dir, pgPort, false);
        await("/ready answers 200 again").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
            .until(() -> get(port, "/ready").status() == 200);
        assertEquals("UP", get(port, "/ready").check("store").getString("status"));
      } finally {
        node.close().await();
      }
    } finally {
      vertx.close().await();
      if (pg != null) {
        pg.close();
      }
      deleteRecursively(dir);
      // The server's lock file and log, beside its data directory.
      deleteRecursively(dir.resolveSibling(dir.getFileName() + ".lock"));
      deleteRecursively(dir.resolveSibling(dir.getFileName() + ".log"));
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
