package io.junctionmq.transport.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.model.AckMode;
import io.junctionmq.transport.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backpressure end to end over HTTP: a consumer stream that stops reading holds the broker
 * back (messages wait in the queue, not on the heap) and then gets every message; an NDJSON
 * upload of a million lines is read only as fast as it is answered. Also lists 10 000 queues.
 */
class HttpBackpressureIT {
  static final int BODY = 100;
  static TestNode node;
  static ApiClient api;
  static Vertx client;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("queue.window.messages", 2000));
    api = new ApiClient(node.httpUrl() + "/api");
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    client.close().await();
    node.close();
  }

  static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static byte[] body(int i) {
    byte[] b = new byte[BODY];
    java.util.Arrays.fill(b, (byte) 'x');
    byte[] n = Integer.toString(i).getBytes();
    System.arraycopy(n, 0, b, 0, n.length);
    b[n.length] = ' ';
    return b;
  }

  @Test
  void aStreamThatStopsReadingIsPacedAndThenGetsEveryMessage() {
    int total = Integer.getInteger("junction.backpressure.messages", 200_000);
    node.broker().declareQueue(Queue.durable("/", "bp.stream")).await();
    long baseline = usedHeapAfterGc();
    try (var s = LineStream.open(client, node.httpPort(), "/api/queues/%2F/bp.stream/stream?prefetch=500",
        "application/x-ndjson")) {
      assertTrue(new JsonObject(s.nextNonEmpty(Duration.ofSeconds(10))).containsKey("consumer"));
      s.pause();
      long started = System.nanoTime();
      var inFlight = new ArrayList<Future<?>>();
      for (int i = 0; i < total; i++) {
        inFlight.add(node.broker().publish("/", new Message("", "bp.stream", MessageProperties.PERSISTENT, body(i)), false));
        if (inFlight.size() == 5000) {
          Future.all(inFlight).await();
          inFlight.clear();
        }
      }
      Future.all(inFlight).await();
      double secs = (System.nanoTime() - started) / 1e9;
      JsonObject q = api.get("/queues/%2F/bp.stream").json();
      long heap = usedHeapAfterGc() - baseline;
      System.out.printf("backpressure: %d persistent messages published in %.1f s while the stream was paused;"
              + " %d wait in the queue, heap grew %.1f MiB (after GC)%n", total, secs, q.getLong("messages_ready"),
          heap / 1048576.0);
      assertTrue(q.getLong("messages_ready") > total / 2, "most messages wait in the queue: " + q.encode());
      assertTrue(heap < 64L << 20, "heap grew " + heap + " bytes");

      s.resume();
      var seen = new BitSet(total);
      int received = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (received < total && System.nanoTime() < deadline) {
        String line = s.next(Duration.ofSeconds(5));
        if (line == null || line.isEmpty()) {
          continue;
        }
        JsonObject m = new JsonObject(line);
        String payload = m.getString("payload");
        seen.set(Integer.parseInt(payload.substring(0, payload.indexOf(' '))));
        received++;
      }
      assertEquals(total, received);
      assertEquals(total, seen.cardinality());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/queues/%2F/bp.stream").json().getLong("messages") == 0);
  }

  @Test
  void aLongNdjsonUploadKeepsTheHeapBounded() throws Exception {
    // 1 000 000 lines take ~45 s on the 2-core machine under load; by default the suite sends
    // 300 000 (-Djunction.ndjson.lines=1000000 for the full run).
    int lines = Integer.getInteger("junction.ndjson.lines", 300_000);
    node.broker().declareQueue(Queue.transientQueue("/", "bp.upload")).await();
    var consumed = new AtomicLong();
    var consumer = node.broker().consume("/", "bp.upload", ConsumeOptions.of(1000, AckMode.AUTO),
        d -> consumed.incrementAndGet()).await();
    long baseline = usedHeapAfterGc();
    var answered = new AtomicLong();
    var done = Promise.<JsonObject>promise();
    var options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(node.httpPort())
        .setURI("/api/exchanges/%2F/amq.default/publish").putHeader("Content-Type", "application/x-ndjson");
    var http = client.createHttpClient();
    long started = System.nanoTime();
    HttpClientRequest request = http.request(options).await();
    request.setChunked(true);
    request.response().onSuccess(response -> {
      RecordParser parser = RecordParser.newDelimited("\n", response);
      parser.handler(line -> {
        JsonObject a = line.toJsonObject();
        if (a.containsKey("done")) {
          done.tryComplete(a);
        } else if (Boolean.TRUE.equals(a.getBoolean("routed"))) {
          answered.incrementAndGet();
        }
      });
    }).onFailure(done::tryFail);
    // The body is generated as it is sent, a thousand lines a chunk, never more than the write queue holds.
    var next = new int[1];
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (next[0] < lines && !request.writeQueueFull()) {
        Buffer chunk = Buffer.buffer(64 * 1000);
        for (int i = 0; i < 1000 && next[0] < lines; i++, next[0]++) {
          chunk.appendString("{\"routing_key\":\"bp.upload\",\"payload\":\"" + next[0] + "\"}\n");
        }
        request.write(chunk);
      }
      if (next[0] < lines) {
        request.drainHandler(v -> pump[0].run());
      } else {
        request.end();
      }
    };
    client.runOnContext(v -> pump[0].run());
    long maxHeap = 0;
    while (!done.future().isComplete() && System.nanoTime() - started < Duration.ofSeconds(120).toNanos()) {
      await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> true);
      maxHeap = Math.max(maxHeap, usedHeapAfterGc() - baseline);
    }
    JsonObject summary = done.future().await();
    double secs = (System.nanoTime() - started) / 1e9;
    System.out.printf("NDJSON upload: %d lines in %.1f s = %.0f lines/s; heap grew at most %.1f MiB (after GC)%n",
        lines, secs, lines / secs, maxHeap / 1048576.0);
    assertEquals(lines, answered.get());
    assertEquals(lines, summary.getLong("routed"));
    assertTrue(maxHeap < 64L << 20, "heap grew " + maxHeap + " bytes");
    await().atMost(Duration.ofSeconds(30)).until(() -> consumed.get() == lines);
    consumer.cancel().await();
    http.close().await();
  }

  @Test
  void tenThousandQueuesAreListedAPageAtATime() {
    int count = 10_000;
    api.put("/vhosts/many", null);
    var declared = new ArrayList<Future<?>>();
    for (int i = 0; i < count; i++) {
      declared.add(node.broker().declareQueue(Queue.transientQueue("many", String.format("q%05d", i))));
      if (declared.size() == 500) {
        Future.all(declared).await();
        declared.clear();
      }
    }
    Future.all(declared).await();
    long t0 = System.nanoTime();
    var page = api.get("/queues/many?page=3&page_size=100");
    long t1 = System.nanoTime();
    var all = api.get("/queues/many");
    long t2 = System.nanoTime();
    System.out.printf("10 000 queues: one page of 100 in %.1f ms, the whole list (%d bytes) in %.1f ms%n",
        (t1 - t0) / 1e6, all.body().length(), (t2 - t1) / 1e6);
    assertEquals(200, page.status());
    assertEquals(count, page.json().getInteger("total_count"));
    assertEquals("q00200", page.json().getJsonArray("items").getJsonObject(0).getString("name"));
    assertEquals(count, all.array().size());
  }
}
