package io.junctionmq.cluster;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's outage: one broker (a process of its own) on an external PostgreSQL that is
 * stopped for real ({@code pg_ctl stop -m immediate}) for 30 s while publishers and
 * consumers run over HTTP and STOMP, then started again. A ledger of every confirm and
 * delivery shows what clients saw.
 */
class PostgresOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String OVER_HTTP = "outage-http";
  private static final String OVER_STOMP = "outage-stomp";
  private static final List<String> QUEUES = List.of(OVER_HTTP, OVER_STOMP);
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void aThirtySecondOutageUnderLoadConfirmsNothingItCannotKeepAndTheBrokerRecoversWithoutARestart() throws Exception {
    ExternalPostgres.assumeInstalled();
    var ledger = new Ledger();
    try (var pg = ExternalPostgres.create("PostgresOutageIT", Map.of()).start();
         var node = NodeProcess.cluster("PostgresOutageIT", 1, pg.uri(), Map.of()).get(0);
         var httpLoad = new HttpLoad(ledger);
         var stompLoad = new StompLoad(ledger, node)) {
      node.awaitReady();
      for (String queue : QUEUES) {
        var created = NodesApi.put(node.httpUrl(), "/api/queues/%2F/" + queue,
            new JsonObject().put("durable", true).put("auto_delete", false));
        assertTrue(created.filter(r -> r.status() == 201).isPresent(), "declare " + queue + ": " + created);
      }
      httpLoad.publisher(OVER_HTTP, 4, List.of(node));
      var httpConsumer = httpLoad.consumer(OVER_HTTP, 16, List.of(node));
      stompLoad.publisher(OVER_STOMP, 0);
      stompLoad.publisher(OVER_STOMP, 1);
      stompLoad.consumer(OVER_STOMP, 16);
      awaitConfirmedMore(ledger, 200);

      pg.stopImmediately();
      long stopped = System.nanoTime();
      var ready = await("/ready says the store is down").atMost(WAIT).pollInterval(Duration.ofMillis(100))
          .until(() -> NodesApi.get(node.httpUrl(), "/ready").orElse(null), r -> r != null && r.status() == 503);
      String storeReason = storeCheck(ready.body()).getString("reason");
      assertTrue(storeReason != null && !storeReason.isBlank(), "/ready gives the store's reason: " + ready.body());
      long readyMillis = (System.nanoTime() - stopped) / 1_000_000;

      // What was in flight when the server stopped is answered by now (committed or refused).
      awaitQuiet(Duration.ofSeconds(3));
      Map<String, Integer> confirmedDuringOutage = confirmed(ledger);
      HttpResponse<String> refused = publishOverHttp(node, OVER_HTTP);
      assertEquals(503, refused.statusCode(), refused.body());
      assertEquals("store_unavailable", new JsonObject(refused.body()).getString("error"), refused.body());
      awaitQuiet(OUTAGE.minusNanos(System.nanoTime() - stopped));
      assertEquals(confirmedDuringOutage, confirmed(ledger), "no confirm while PostgreSQL is down");
      assertEquals(503, NodesApi.get(node.httpUrl(), "/ready").orElseThrow().status());
      assertTrue(node.isAlive(), "the broker runs on");

      pg.start();
      long restarted = System.nanoTime();
      await("/ready is 200 again").atMost(WAIT).pollInterval(Duration.ofMillis(100))
          .until(() -> NodesApi.get(node.httpUrl(), "/ready").filter(r -> r.status() == 200).isPresent());
      long recoveredMillis = (System.nanoTime() - restarted) / 1_000_000;
      awaitConfirmedMore(ledger, 200);
      long confirmingMillis = (System.nanoTime() - restarted) / 1_000_000;

      httpLoad.stopPublishing();
      stompLoad.stopPublishing();
      for (String queue : QUEUES) {
        await("every confirmed message of " + queue + " delivered (" + ledger.summary(queue) + ")").atMost(WAIT)
            .pollInterval(Duration.ofMillis(100)).until(() -> ledger.missing(queue).isEmpty());
        assertEquals(List.of(), ledger.violations(queue), "duplicates only flagged redelivered");
      }
      System.out.printf("PostgresOutageIT: PostgreSQL stopped at %d ms, started at %d ms%n", Ledger.ms(stopped),
          Ledger.ms(restarted));
      for (String queue : QUEUES) {
        var unconfirmed = ledger.deliveriesAfter(queue, 0).stream()
            .filter(r -> ledger.confirmation(r.id).equals("not confirmed")).toList();
        System.out.printf("PostgresOutageIT: %s: %d deliveries of messages whose publish was not confirmed, e.g. %s%n",
            queue, unconfirmed.size(), unconfirmed.stream().limit(5).map(r -> r.id + " " + r).toList());
      }
      System.out.printf("PostgresOutageIT: %s; %s; STOMP errors %s, STOMP resubscriptions %d; /ready 503 after %d ms"
              + " (\"%s\"), 200 again %d ms after the restart, both queues confirming again after %d ms%n",
          ledger.summary(OVER_HTTP), ledger.summary(OVER_STOMP), stompLoad.errors(), stompLoad.resubscribed(),
          readyMillis, storeReason, recoveredMillis, confirmingMillis);
      for (String queue : QUEUES) {
        assertTrue(ledger.failedCount(queue) > 0, queue + ": publishers were refused during the outage");
      }
      assertEquals(1, httpConsumer.streams(), "the HTTP consumer kept its stream through the outage");
      assertEquals(Set.of("ERROR store_unavailable"), stompLoad.errors().keySet(),
          "STOMP clients were told store_unavailable, nothing less clear");
    }
  }

  private static Map<String, Integer> confirmed(Ledger ledger) {
    return Map.of(OVER_HTTP, ledger.confirmedCount(OVER_HTTP), OVER_STOMP, ledger.confirmedCount(OVER_STOMP));
  }

  /** Waits until each queue has {@code more} confirms more than now. */
  private static void awaitConfirmedMore(Ledger ledger, int more) {
    Map<String, Integer> now = confirmed(ledger);
    await("confirms on " + QUEUES).atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> QUEUES.stream().allMatch(q -> ledger.confirmedCount(q) >= now.get(q) + more));
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
