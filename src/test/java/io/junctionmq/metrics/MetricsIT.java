package io.junctionmq.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.broker.Consumer;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.model.AckMode;
import io.junctionmq.transport.NodeScript;
import io.junctionmq.transport.TestNode;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /metrics} of a whole node, read with a real Prometheus text-format parser (the npm
 * package, through Node): the values move as messages flow, the series limit folds queues into
 * {@code _other}, a deleted queue's series go.
 */
@Timeout(180)
class MetricsIT {
  private static final String VHOST = "/";
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  @BeforeAll
  static void node() {
    NodeScript.assumeNode();
  }

  private static Map<String, String> queue(String name) {
    return Map.of("vhost", VHOST, "queue", name);
  }

  private static void publish(TestNode node, String queue, int count) {
    var published = new ArrayList<Future<?>>();
    for (int i = 0; i < count; i++) {
      published.add(node.broker().publish(VHOST, new Message("", queue, MessageProperties.PERSISTENT,
          ("m" + i).getBytes(StandardCharsets.UTF_8)), true));
    }
    Future.all(published).await();
  }

  private static ParsedScrape scrape(TestNode node) {
    return ParsedScrape.of(node.httpUrl() + "/metrics", "junction_", "jvm_", "vertx_");
  }

  @Test
  void countersAndGaugesMoveAsMessagesFlow() throws Exception {
    try (TestNode node = TestNode.start(Map.of(), VertxMeters.enable(new VertxOptions()))) {
      node.broker().declareQueue(Queue.durable(VHOST, "m.flow")).await();

      ParsedScrape empty = scrape(node);
      assertEquals(Meters.CONTENT_TYPE, empty.contentType());
      assertEquals(0.0, empty.value("junction_queue_published_total", queue("m.flow")));
      assertEquals(0.0, empty.value("junction_queue_messages_ready", queue("m.flow")));
      assertEquals("COUNTER", empty.type("junction_queue_published_total"));
      assertEquals("HISTOGRAM", empty.type("junction_publish_to_confirm_seconds"));

      publish(node, "m.flow", 200);
      ParsedScrape published = scrape(node);
      assertEquals(200.0, published.value("junction_queue_published_total", queue("m.flow")));
      assertEquals(200.0, published.value("junction_queue_messages_ready", queue("m.flow")));
      assertEquals(0.0, published.value("junction_queue_delivered_total", queue("m.flow")));
      // One publish in 8 is timed, at random: 200 leave no real chance of none.
      assertTrue(published.count("junction_publish_to_confirm_seconds") > 0);
      assertTrue(published.count("junction_store_commit_duration_seconds") > 0);
      assertTrue(published.count("junction_store_batch_rows") > 0);
      assertTrue(published.value("junction_queue_window_messages", queue("m.flow")) > 0);

      var held = new ConcurrentLinkedQueue<Delivery>();
      Consumer consumer = node.broker().consume(VHOST, "m.flow", ConsumeOptions.of(50, AckMode.CLIENT_INDIVIDUAL),
          held::add).await();
      await().atMost(PATIENCE).until(() -> held.size() == 50);
      ParsedScrape holding = scrape(node);
      assertEquals(50.0, holding.value("junction_queue_delivered_total", queue("m.flow")));
      assertEquals(50.0, holding.value("junction_queue_messages_unacked", queue("m.flow")));
      assertEquals(150.0, holding.value("junction_queue_messages_ready", queue("m.flow")));
      assertEquals(1.0, holding.value("junction_queue_consumers", queue("m.flow")));

      var acked = new AtomicInteger();
      while (acked.get() < 200) {
        Delivery d = held.poll();
        if (d == null) {
          await().atMost(PATIENCE).until(() -> !held.isEmpty());
          continue;
        }
        consumer.ack(d.deliveryTag(), false).await();
        acked.incrementAndGet();
      }
      ParsedScrape drained = scrape(node);
      assertEquals(200.0, drained.value("junction_queue_acked_total", queue("m.flow")));
      assertEquals(200.0, drained.value("junction_queue_delivered_total", queue("m.flow")));
      assertEquals(0.0, drained.value("junction_queue_messages_ready", queue("m.flow")));
      assertEquals(0.0, drained.value("junction_queue_messages_unacked", queue("m.flow")));
      assertEquals(0.0, drained.value("junction_queue_redelivered_total", queue("m.flow")));
      // Every 8th seq is timed to its first delivery: seqs 8, 16, ... 200.
      assertEquals(25.0, drained.count("junction_publish_to_deliver_seconds"));
      assertEquals(1.0, drained.value("junction_cluster_members"));
      assertEquals(1.0, drained.value("junction_queues_owned"));
      assertEquals(0.0, drained.value("junction_store_errors_total", Map.of("operation", "write")));
      // Vert.x's own metrics and the JVM's, since this node's Vert.x reports to Prometheus.
      assertTrue(drained.families().contains("jvm_memory_used_bytes"), drained.families().toString());
      assertTrue(drained.families().stream().anyMatch(f -> f.startsWith("vertx_http_server")),
          drained.families().toString());
      consumer.cancel().await();
    }
  }

  @Test
  void connectionsAreCountedPerTransport() throws Exception {
    try (TestNode node = TestNode.start()) {
      node.broker().declareQueue(Queue.durable(VHOST, "m.conn")).await();
      HttpClient http = HttpClient.newHttpClient();
      Socket tcp = new Socket("127.0.0.1", node.junction().stompPort());
      WebSocket ws = http.newWebSocketBuilder().subprotocols("v12.stomp")
          .buildAsync(URI.create(node.wsUrl()), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
      CompletableFuture<HttpResponse<Stream<String>>> stream = http.sendAsync(
          HttpRequest.newBuilder(URI.create(node.httpUrl() + "/api/queues/%2F/m.conn/stream")).build(),
          HttpResponse.BodyHandlers.ofLines());
      try {
        OutputStream out = tcp.getOutputStream();
        out.write("CONNECT\naccept-version:1.2\n\n\0".getBytes(StandardCharsets.UTF_8));
        out.flush();
        stream.get(10, TimeUnit.SECONDS);
        await().atMost(PATIENCE).untilAsserted(() -> {
          ParsedScrape s = scrape(node);
          assertEquals(1.0, s.value("junction_connections", Map.of("transport", "stomp")));
          assertEquals(1.0, s.value("junction_connections", Map.of("transport", "ws")));
          assertEquals(1.0, s.value("junction_connections", Map.of("transport", "http")));
          assertEquals(0.0, s.value("junction_connections", Map.of("transport", "eventbus")));
        });
        // The node's Vert.x has no metrics: the JVM's are there all the same, Vert.x's are not.
        ParsedScrape s = scrape(node);
        assertTrue(s.families().contains("jvm_threads_live_threads"), s.families().toString());
        assertFalse(s.families().stream().anyMatch(f -> f.startsWith("vertx_")), s.families().toString());
      } finally {
        tcp.close();
        ws.abort();
        if (stream.isDone() && !stream.isCompletedExceptionally()) {
          stream.join().body().close();
        } else {
          stream.cancel(true);
        }
      }
      await().atMost(PATIENCE).untilAsserted(() -> {
        ParsedScrape s = scrape(node);
        assertEquals(0.0, s.value("junction_connections", Map.of("transport", "stomp")));
        assertEquals(0.0, s.value("junction_connections", Map.of("transport", "ws")));
        assertEquals(0.0, s.value("junction_connections", Map.of("transport", "http")));
      });
    }
  }

  @Test
  void queuesBeyondTheLimitAreSummedIntoOtherUntilASlotFrees() {
    try (TestNode node = TestNode.start(Map.of("metrics.queue-series.max", 2))) {
      List<String> names = List.of("m.q1", "m.q2", "m.q3", "m.q4");
      for (int i = 0; i < names.size(); i++) {
        node.broker().declareQueue(Queue.durable(VHOST, names.get(i))).await();
        publish(node, names.get(i), i + 1);
      }

      ParsedScrape s = scrape(node);
      assertEquals(1.0, s.value("junction_queue_messages_ready", queue("m.q1")));
      assertEquals(2.0, s.value("junction_queue_published_total", queue("m.q2")));
      assertNull(s.value("junction_queue_messages_ready", queue("m.q3")));
      assertNull(s.value("junction_queue_published_total", queue("m.q4")));
      Map<String, String> other = Map.of("vhost", Meters.OTHER, "queue", Meters.OTHER);
      assertEquals(3.0 + 4.0, s.value("junction_queue_messages_ready", other));
      assertEquals(3.0 + 4.0, s.value("junction_queue_published_total", other));
      assertEquals(2.0, s.value("junction_queues_folded"));
      assertEquals(4.0, s.value("junction_queues_owned"));
      for (String family : List.of("junction_queue_messages_ready", "junction_queue_acked_total",
          "junction_queue_window_bytes")) {
        assertEquals(3, s.labelSets(family).size(), family + ": two queues and _other");
      }

      node.broker().deleteQueue(VHOST, "m.q1", false, false).await();
      ParsedScrape after = scrape(node);
      assertNull(after.value("junction_queue_messages_ready", queue("m.q1")));
      assertEquals(3.0, after.value("junction_queue_messages_ready", queue("m.q3")), "the oldest folded queue");
      assertEquals(4.0, after.value("junction_queue_messages_ready", other));
      assertEquals(7.0, after.value("junction_queue_published_total", other), "a counter never goes down");
      assertEquals(1.0, after.value("junction_queues_folded"));
    }
  }

  @Test
  void aDeletedQueueLosesEverySeries() {
    try (TestNode node = TestNode.start()) {
      node.broker().declareQueue(Queue.durable(VHOST, "m.gone")).await();
      node.broker().declareQueue(Queue.durable(VHOST, "m.stays")).await();
      publish(node, "m.gone", 3);
      ParsedScrape before = scrape(node);
      List<String> perQueue = Meters.ALL.stream().filter(m -> m.tags().contains(Meters.TAG_QUEUE))
          .flatMap(m -> m.exposed().stream()).toList();
      for (String family : perQueue) {
        assertTrue(before.labelSets(family).contains(queue("m.gone")), family);
      }

      node.broker().deleteQueue(VHOST, "m.gone", false, false).await();

      ParsedScrape after = scrape(node);
      for (String family : perQueue) {
        assertFalse(after.labelSets(family).contains(queue("m.gone")), family);
        assertTrue(after.labelSets(family).contains(queue("m.stays")), family);
      }
      assertNull(after.value("junction_queue_messages_ready", Map.of("vhost", Meters.OTHER, "queue", Meters.OTHER)));
    }
  }
}
