package io.junctionmq.transport.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.transport.NodeScript;
import io.junctionmq.transport.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real clients people will use: curl, the eventsource npm package, Chromium's EventSource. */
class HttpClientsIT {
  static TestNode node;
  static ApiClient api;
  @TempDir
  static Path dir;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    api = new ApiClient(node.httpUrl() + "/api");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static void queue(String name) {
    node.broker().declareQueue(Queue.durable("/", name)).await();
  }

  private static void publish(String queue, int count) {
    for (int i = 0; i < count; i++) {
      node.broker().publish("/", new Message("", queue, MessageProperties.PERSISTENT, ("msg-" + i).getBytes()), false)
          .await();
    }
  }

  private static long messages(String queue) {
    return api.get("/queues/%2F/" + queue).json().getLong("messages");
  }

  /** Runs curl with {@code args}; returns its stdout. Skips without curl (fails in CI). */
  private static String curl(String... args) throws IOException, InterruptedException {
    assumeCurl();
    var command = new ArrayList<>(List.of("curl", "-sS", "--fail-with-body"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "curl", ".out");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("curl did not finish: " + command);
    }
    String output = Files.readString(out);
    assertEquals(0, p.exitValue(), "curl " + command + ":\n" + output);
    return output;
  }

  private static void assumeCurl() {
    boolean present = Files.isExecutable(Path.of("/usr/bin/curl")) || Files.isExecutable(Path.of("/bin/curl"));
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("curl is not installed: CI must have it");
    }
    assumeTrue(present, "curl is not installed: skipped");
  }

  @Test
  void curlPublishesARawFile() throws Exception {
    queue("c.raw");
    Path file = dir.resolve("payload.bin");
    byte[] payload = "a file\nwith lines\n".getBytes(StandardCharsets.UTF_8);
    Files.write(file, payload);
    String out = curl("--data-binary", "@" + file, "-H", "Content-Type: text/plain", "-H", "X-Message-Id: file-1",
        node.httpUrl() + "/api/exchanges/%2F/amq.default/publish?routing_key=c.raw&persistent=true");
    assertEquals(new JsonObject().put("routed", true), new JsonObject(out));
    var m = api.post("/queues/%2F/c.raw/get", new JsonObject().put("count", 1).put("ackmode", "ack_requeue_false"))
        .array().getJsonObject(0);
    assertEquals(new String(payload, StandardCharsets.UTF_8), m.getString("payload"));
    assertEquals("file-1", m.getJsonObject("properties").getString("message_id"));
    assertEquals("text/plain", m.getJsonObject("properties").getString("content_type"));
  }

  @Test
  void curlWithoutAContentTypeDeclaresAndPublishesRaw() throws Exception {
    String created = curl("-X", "PUT", "-d", "{\"durable\":false}", "-o", "/dev/null", "-w", "%{http_code}",
        node.httpUrl() + "/api/queues/%2F/c.plain");
    assertEquals("201", created);
    Path file = dir.resolve("plain.txt");
    Files.writeString(file, "x=1&y=2");
    String out = curl("--data-binary", "@" + file, node.httpUrl() + "/api/exchanges/%2F/amq.default/publish?routing_key=c.plain");
    assertEquals(new JsonObject().put("routed", true), new JsonObject(out));
    var m = api.post("/queues/%2F/c.plain/get", new JsonObject().put("count", 1).put("ackmode", "ack_requeue_false"))
        .array().getJsonObject(0);
    assertEquals("x=1&y=2", m.getString("payload"));
    assertEquals(null, m.getJsonObject("properties").getString("content_type"));
  }

  @Test
  void curlStreamsAnNdjsonFileOf100000LinesAndGetsAConfirmationForEach() throws Exception {
    assumeCurl();
    queue("c.ndjson");
    int lines = 100_000;
    Path file = dir.resolve("messages.ndjson");
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      for (int i = 0; i < lines; i++) {
        w.write("{\"routing_key\":\"c.ndjson\",\"payload\":\"message " + i + "\",\"properties\":{\"delivery_mode\":2}}\n");
      }
    }
    long started = System.nanoTime();
    String out = curl("--data-binary", "@" + file, "-H", "Content-Type: application/x-ndjson",
        node.httpUrl() + "/api/exchanges/%2F/amq.default/publish");
    double secs = (System.nanoTime() - started) / 1e9;
    String[] answers = out.split("\n");
    long confirmed = 0;
    for (int i = 0; i < lines; i++) {
      JsonObject a = new JsonObject(answers[i]);
      assertEquals(i + 1, a.getLong("line"));
      if (Boolean.TRUE.equals(a.getBoolean("routed"))) {
        confirmed++;
      }
    }
    assertEquals(lines, confirmed);
    assertTrue(new JsonObject(answers[lines]).getBoolean("done"));
    assertEquals(lines, messages("c.ndjson"));
    System.out.printf("NDJSON via curl: %d persistent messages in %.2f s = %.0f msg/s%n", lines, secs, lines / secs);
  }

  @Test
  void curlReadsAStream() throws Exception {
    assumeCurl();
    queue("c.stream");
    publish("c.stream", 5);
    Process p = new ProcessBuilder("curl", "-sS", "-N", "-H", "Accept: application/x-ndjson",
        node.httpUrl() + "/api/queues/%2F/c.stream/stream").redirectErrorStream(true).start();
    try (var reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      var payloads = new ArrayList<String>();
      // The first line names the consumer; readLine returns as each line arrives (curl -N does not buffer).
      assertTrue(new JsonObject(reader.readLine()).containsKey("consumer"));
      while (payloads.size() < 5) {
        payloads.add(new JsonObject(reader.readLine()).getString("payload"));
      }
      assertEquals(List.of("msg-0", "msg-1", "msg-2", "msg-3", "msg-4"), payloads);
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/queues/%2F/c.stream").json().getInteger("consumers") == 0);
    assertEquals(0, messages("c.stream"));
  }

  @Test
  void theEventsourcePackageConsumesAndAcks() {
    queue("c.es");
    publish("c.es", 20);
    var result = NodeScript.run("sse-eventsource.mjs",
        Map.of("BASE", node.httpUrl(), "QUEUE", "c.es", "COUNT", "20"), Duration.ofSeconds(60));
    assertEquals(0, result.exitCode(), result.output());
    var lines = result.output().lines().filter(l -> l.startsWith("{")).map(JsonObject::new).toList();
    assertEquals(20, lines.size(), result.output());
    assertEquals("msg-0", lines.get(0).getString("payload"));
    assertEquals("1", lines.get(0).getString("id"));
    assertEquals("msg-19", lines.get(19).getString("payload"));
    await().atMost(Duration.ofSeconds(10)).until(() -> messages("c.es") == 0);
  }

  @Test
  void chromiumsOwnEventSourceConsumesAndAcks() {
    NodeScript.assumeChromium();
    queue("c.browser");
    publish("c.browser", 10);
    var result = NodeScript.run("sse-browser.mjs",
        Map.of("BASE", node.httpUrl(), "QUEUE", "c.browser", "COUNT", "10"), Duration.ofSeconds(90));
    assertEquals(0, result.exitCode(), result.output());
    String json = result.output().lines().filter(l -> l.startsWith("{\"payloads\"")).findFirst().orElseThrow(
        () -> new AssertionError(result.output()));
    var payloads = new JsonObject(json).getJsonArray("payloads");
    assertEquals(10, payloads.size());
    assertEquals("msg-0", payloads.getString(0));
    assertEquals("msg-9", payloads.getString(9));
    await().atMost(Duration.ofSeconds(10)).until(() -> messages("c.browser") == 0);
  }
}
