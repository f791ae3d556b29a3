package io.junctionmq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.config.JunctionConfig;
import io.junctionmq.store.TestPostgres;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A backlog several times larger than the heap: the queue keeps only its head in memory
 * and the rest in PostgreSQL, so a broker with a 96 MiB heap takes 150 000 persistent
 * 1 KiB messages (about 150 MiB of bodies) with no consumer.
 */
class BoundedMemoryIT {
  private static final int MESSAGES = 150_000;

  @Test
  void backlogLargerThanTheHeapStaysInPostgres() throws Exception {
    String pgUri = TestPostgres.newDatabase();
    Process broker = PublisherProcess.launch(List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError"), pgUri,
        "backlog", MESSAGES, 1024);
    String done = null;
    int confirmed = 0;
    try (var out = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("CONFIRMED ")) {
          confirmed++;
        } else if (line.startsWith("DONE")) {
          done = line;
        }
        assertTrue(!line.startsWith("FAILED"), line);
      }
    } finally {
      if (!broker.waitFor(120, TimeUnit.SECONDS)) {
        broker.destroyForcibly();
      }
    }
    assertEquals(0, broker.exitValue(), "the broker process ran out of heap or failed");
    assertEquals(MESSAGES, confirmed);
    assertTrue(done != null, "no DONE line");
    long heap = Long.parseLong(done.substring("DONE heap=".length()));
    assertTrue(heap < 96L << 20, "heap after GC " + heap);

    Vertx vertx = Vertx.vertx();
    Junction recovered = Junction.start(vertx, JunctionConfig.defaults().with("pg.uri", pgUri).with("http.port", 0).with("stomp.port", 0)
        .with("node.id", "test-process")).await();
    try {
      assertEquals(MESSAGES, recovered.broker().queueInfo("/", "backlog").await().stats().messagesReady());
    } finally {
      recovered.close().await();
      vertx.close().await();
    }
  }
}
