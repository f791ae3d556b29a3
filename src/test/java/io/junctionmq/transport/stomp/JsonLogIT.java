package io.junctionmq.transport.stomp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.junctionmq.Junction;
import io.junctionmq.TestJvm;
import io.junctionmq.cluster.FreePorts;
import io.junctionmq.store.TestPostgres;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The broker's jar, run as a process of its own with {@code JUNCTION_LOG_FORMAT=json}, writes
 * nothing but JSON lines to stdout, logs a STOMP connection's opening and closing once each
 * with their fields, logs the queue it hosts, and never a message body.
 */
class JsonLogIT {
  private static final String BODY = "BODY-MUST-NOT-BE-LOGGED-7f3a9c";
  private static final String QUEUE = "logged-orders";

  /** One log line: the parsed object and its key-value pairs (JsonEncoder's kvpList) as a map. */
  private record Line(JsonObject json, Map<String, String> fields) {
    String event() {
      return fields.get("event");
    }
  }

  @Test
  void everyStdoutLineIsJsonWithConnectionAndQueueEventsAndNoMessageBody() throws Exception {
    Path dir = Path.of(System.getProperty("basedir", "."), "target", "json-log-it").toAbsolutePath();
    Files.createDirectories(dir);
    Path stdout = dir.resolve("stdout-" + ProcessHandle.current().pid() + ".log");
    Path stderr = dir.resolve("stderr-" + ProcessHandle.current().pid() + ".log");
    int httpPort = FreePorts.next();
    int stompPort = FreePorts.next();
    var builder = new ProcessBuilder(TestJvm.command(List.of("-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1"), false, Junction.class.getName(), List.of()))
        .directory(dir.toFile())
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("JUNCTION_"));
    env.putAll(Map.of("JUNCTION_LOG_FORMAT", "json", "JUNCTION_NODE_ID", "logs1",
        "JUNCTION_PG_URI", TestPostgres.newDatabase(), "JUNCTION_HTTP_HOST", "127.0.0.1",
        "JUNCTION_HTTP_PORT", String.valueOf(httpPort), "JUNCTION_STOMP_HOST", "127.0.0.1",
        "JUNCTION_STOMP_PORT", String.valueOf(stompPort)));
    Process broker = builder.start();
    String session;
    try {
      awaitReady(broker, httpPort, stdout);
      try (var client = new RawStompClient(stompPort)) {
        StompFrame connected = client.connect("0,0");
        assertEquals(StompCommand.CONNECTED, connected.command());
        session = connected.header("session");
        client.send(StompFrame.builder(StompCommand.SEND).header("destination", "/queue/" + QUEUE)
            .header("receipt", "sent").header("content-type", "text/plain").body(BODY).build());
        assertEquals("sent", client.receive(Duration.ofSeconds(10)).header("receipt-id"));
        client.send(StompFrame.builder(StompCommand.SUBSCRIBE).header("destination", "/queue/" + QUEUE)
            .header("id", "s1").header("ack", "auto").build());
        StompFrame message = client.receive(Duration.ofSeconds(10));
        assertEquals(BODY, message.bodyText());
        client.send(StompFrame.builder(StompCommand.DISCONNECT).header("receipt", "bye").build());
        assertEquals("bye", client.receive(Duration.ofSeconds(10)).header("receipt-id"));
      }
      await("connection.closed in " + stdout).atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(stdout).contains("connection.closed"));
      // SIGTERM: the node stops gracefully, so its shutdown is logged too.
      broker.destroy();
      assertTrue(broker.waitFor(30, TimeUnit.SECONDS), "the broker did not stop on SIGTERM");
    } finally {
      broker.destroyForcibly();
    }

    List<Line> lines = parseEveryLine(stdout);
    assertFalse(lines.isEmpty(), "no output");
    for (String raw : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
      assertFalse(raw.contains(BODY), "a message body was logged: " + raw);
    }

    List<Line> opened = events(lines, "connection.opened");
    assertEquals(1, opened.size(), "connection.opened lines: " + opened);
    Map<String, String> open = opened.get(0).fields();
    assertEquals(session, open.get("connection"));
    assertEquals("stomp", open.get("protocol"));
    assertEquals("1.2", open.get("version"));
    assertEquals("tcp", open.get("transport"));
    assertEquals("/", open.get("vhost"));
    assertTrue(open.get("remote").contains("127.0.0.1"), open.toString());
    assertEquals("INFO", opened.get(0).json().getString("level"));

    List<Line> closed = events(lines, "connection.closed");
    assertEquals(1, closed.size(), "connection.closed lines: " + closed);
    Map<String, String> close = closed.get(0).fields();
    assertEquals(session, close.get("connection"));
    assertEquals("stomp", close.get("protocol"));
    assertEquals("the client disconnected", close.get("reason"));
    assertTrue(Long.parseLong(close.get("duration_ms")) >= 0, close.toString());

    Line owned = events(lines, "queue.owned").stream().filter(l -> QUEUE.equals(l.fields().get("queue")))
        .findFirst().orElseThrow(() -> new AssertionError("no queue.owned for " + QUEUE));
    assertEquals("declared", owned.fields().get("cause"));
    assertEquals("logs1", owned.fields().get("node"));
    assertEquals("/", owned.fields().get("vhost"));
    assertNotNull(owned.fields().get("epoch"));

    assertEquals(1, events(lines, "node.started").size());
    assertTrue(events(lines, "queue.released").stream().anyMatch(l -> QUEUE.equals(l.fields().get("queue"))),
        "no queue.released for " + QUEUE + " at shutdown");
  }

  private static void awaitReady(Process broker, int httpPort, Path stdout) {
    HttpClient http = HttpClient.newHttpClient();
    var ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    await("the broker is ready (log: " + stdout + ")").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(IOException.class).until(() -> {
          if (!broker.isAlive()) {
            fail("the broker exited with " + broker.exitValue() + "; log: " + stdout);
          }
          return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
  }

  /** Parses each line of {@code log} with a real JSON parser; fails on the first that is not a JSON object. */
  private static List<Line> parseEveryLine(Path log) throws IOException {
    var lines = new ArrayList<Line>();
    int n = 0;
    for (String raw : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      n++;
      JsonObject json;
      try {
        json = new JsonObject(raw);
      } catch (DecodeException e) {
        throw new AssertionError("line " + n + " of " + log + " is not JSON: " + raw, e);
      }
      var fields = new HashMap<String, String>();
      JsonArray kvp = json.getJsonArray("kvpList", new JsonArray());
      for (int i = 0; i < kvp.size(); i++) {
        kvp.getJsonObject(i).forEach(e -> fields.put(e.getKey(), String.valueOf(e.getValue())));
      }
      lines.add(new Line(json, fields));
    }
    return lines;
  }

  private static List<Line> events(List<Line> lines, String event) {
    return lines.stream().filter(l -> event.equals(l.event())).toList();
  }
}
