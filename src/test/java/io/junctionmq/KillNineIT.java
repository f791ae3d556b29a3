package io.junctionmq;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.config.JunctionConfig;
import io.junctionmq.model.AckMode;
import io.junctionmq.store.TestPostgres;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A broker process killed with SIGKILL loses none of the publishes it confirmed. */
class KillNineIT {
  private static final int CONFIRMED_BEFORE_KILL = 3000;

  @Test
  void brokerKilledWithSigkillLosesNoConfirmedMessage() throws Exception {
    String pgUri = TestPostgres.newDatabase();
    Process broker = PublisherProcess.launch(List.of(), pgUri, "crash", 0, 0);
    Set<String> confirmed = new HashSet<>();
    try (var out = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (confirmed.size() < CONFIRMED_BEFORE_KILL && (line = out.readLine()) != null) {
        if (line.startsWith("CONFIRMED ")) {
          confirmed.add("m" + line.substring("CONFIRMED ".length()));
        }
        assertTrue(!line.startsWith("FAILED"), line);
      }
      // destroyForcibly is SIGKILL on Unix: no shutdown hook, no flush, no goodbye.
      broker.destroyForcibly();
      assertTrue(broker.waitFor(10, TimeUnit.SECONDS));
    }
    assertEquals(CONFIRMED_BEFORE_KILL, confirmed.size(), "the broker confirmed fewer than expected before dying");
    assertEquals(137, broker.exitValue(), "killed by SIGKILL");

    Vertx vertx = Vertx.vertx();
    // Another node id: the recovering node must wait for the dead node's lease to expire.
    var config = JunctionConfig.defaults().with("pg.uri", pgUri).with("http.port", 0).with("stomp.port", 0).with("node.id", "successor")
        .with(java.util.Map.of("lease.ttl", "2s", "lease.renew-interval", "500ms"));
    Junction recovered = Junction.start(vertx, config).await();
    try {
      long stored = recovered.broker().queueInfo("/", "crash").await().stats().messagesReady();
      assertTrue(stored >= CONFIRMED_BEFORE_KILL, "stored " + stored);
      Set<String> received = ConcurrentHashMap.newKeySet();
      recovered.broker().consume("/", "crash", ConsumeOptions.of(1000, AckMode.AUTO),
          d -> received.add(new String(d.message().body(), StandardCharsets.UTF_8))).await();
      await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= stored);
      Set<String> lost = new HashSet<>(confirmed);
      lost.removeAll(received);
      assertTrue(lost.isEmpty(), "lost confirmed messages: " + lost);
    } finally {
      recovered.close().await();
      vertx.close().await();
    }
  }
}
