package io.junctionmq.cluster;

import static io.junctionmq.cluster.MixedLoad.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.store.ExternalPostgres;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's outage: one broker (a process of its own) on an external PostgreSQL that is
 * stopped for real ({@code pg_ctl stop -m immediate}) for 30 s while publishers and
 * consumers run over HTTP and STOMP ({@link MixedLoad}), then started again.
 */
class PostgresOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void aThirtySecondOutageUnderLoadConfirmsNothingItCannotKeepAndTheBrokerRecoversWithoutARestart() throws Exception {
    ExternalPostgres.assumeInstalled();
    try (var pg = ExternalPostgres.create("PostgresOutageIT", Map.of()).start();
         var node = NodeProcess.cluster("PostgresOutageIT", 1, pg.uri(), Map.of()).get(0);
         var load = new MixedLoad(node.awaitReady(), "outage")) {
      load.awaitConfirmedMore(100);

      pg.stopImmediately();
      long stopped = System.nanoTime();
      var ready = await("/ready says the store is down").atMost(WAIT).pollInterval(Duration.ofMillis(100))
          .until(() -> NodesApi.get(node.httpUrl(), "/ready").orElse(null), r -> r != null && r.status() == 503);
      long readyMillis = (System.nanoTime() - stopped) / 1_000_000;
      String storeReason = storeCheck(ready.body()).getString("reason");
      assertTrue(storeReason != null && !storeReason.isBlank(), "/ready gives the store's reason: " + ready.body());

      // What was in flight when the server stopped is answered by now (committed or refused).
      awaitQuiet(Duration.ofSeconds(3));
      Map<String, Integer> confirmedDuringOutage = load.confirmed();
      HttpResponse<String> refused = publishOverHttp(node, load.overHttp);
      assertEquals(503, refused.statusCode(), refused.body());
      assertEquals("store_unavailable", new JsonObject(refused.body()).getString("error"), refused.body());
      awaitQuiet(OUTAGE.minusNanos(System.nanoTime() - stopped));
      assertEquals(confirmedDuringOutage, load.confirmed(), "no confirm while PostgreSQL is down");
      assertEquals(503, NodesApi.get(node.httpUrl(), "/ready").orElseThrow().status());

      pg.start();
      long restarted = System.nanoTime();
      await("/ready is 200 again").atMost(WAIT).pollInterval(Duration.ofMillis(100))
          .until(() -> NodesApi.get(node.httpUrl(), "/ready").filter(r -> r.status() == 200).isPresent());
      long recoveredMillis = (System.nanoTime() - restarted) / 1_000_000;
      load.awaitConfirmedMore(100);
      long confirmingMillis = (System.nanoTime() - restarted) / 1_000_000;

      load.stopAndCheckNothingConfirmedLost();
      System.out.printf("PostgresOutageIT: %s; /ready 503 after %d ms (\"%s\"), 200 again %d ms after the restart,"
              + " both queues 100 confirms more %d ms after it; deliveries of unconfirmed messages: %s in all,"
              + " %s more than 2 s into the outage%n", load.summary(), readyMillis, storeReason, recoveredMillis,
          confirmingMillis, load.unconfirmedDeliveriesAfter(0), load.unconfirmedDeliveriesAfter(stopped + 2_000_000_000L));
      assertTrue(node.isAlive(), "the broker ran on, never restarted");
      for (String queue : load.queues) {
        assertTrue(load.ledger.failedCount(queue) > 0, queue + ": publishers were refused during the outage");
      }
      assertEquals(1, load.httpConsumer.streams(), "the HTTP consumer kept its stream through the outage");
      assertEquals(Set.of("ERROR store_unavailable"), load.stomp.errors().keySet(),
          "STOMP clients were told store_unavailable, nothing less clear");
    }
  }

  /** Lets {@code time} pass while the load runs. */
  private static void awaitQuiet(Duration time) {
    if (!time.isNegative()) {
      await().pollDelay(time).atMost(time.plusSeconds(1)).until(() -> true);
    }
  }

  private static JsonObject storeCheck(String readyBody) {
    return new JsonObject(readyBody).getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> "store".equals(c.getString("id"))).findFirst().orElseThrow();
  }

  private static HttpResponse<String> publishOverHttp(NodeProcess node, String queue) throws Exception {
    var body = new JsonObject().put("routing_key", queue).put("payload", "probe").put("payload_encoding", "string")
        .put("properties", new JsonObject().put("delivery_mode", 2));
    return http.send(HttpRequest.newBuilder(URI.create(node.httpUrl() + "/api/exchanges/%2F/amq.default/publish"))
        .timeout(WAIT).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
  }
}
