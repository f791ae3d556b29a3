package io.junctionmq.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Confirmed load on one {@link NodeProcess} over both protocols, into a {@link Ledger}: a
 * durable queue {@code <prefix>-http} with an HTTP publisher (4 in flight) and an NDJSON
 * stream consumer, and a queue {@code <prefix>-stomp} with two STOMP publishers and a STOMP
 * consumer, all acking manually.
 */
final class MixedLoad implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);

  final Ledger ledger = new Ledger();
  final String overHttp;
  final String overStomp;
  final List<String> queues;
  final HttpLoad http = new HttpLoad(ledger);
  final StompLoad stomp;
  final HttpLoad.StreamConsumer httpConsumer;

  MixedLoad(NodeProcess node, String prefix) {
    overHttp = prefix + "-http";
    overStomp = prefix + "-stomp";
    queues = List.of(overHttp, overStomp);
    stomp = new StompLoad(ledger, node);
    for (String queue : queues) {
      var created = NodesApi.put(node.httpUrl(), "/api/queues/%2F/" + queue,
          new JsonObject().put("durable", true).put("auto_delete", false));
      assertTrue(created.filter(r -> r.status() == 201).isPresent(), "declare " + queue + ": " + created);
    }
    http.publisher(overHttp, 4, List.of(node));
    httpConsumer = http.consumer(overHttp, 16, List.of(node));
    stomp.publisher(overStomp, 0);
    stomp.publisher(overStomp, 1);
    stomp.consumer(overStomp, 16);
  }

  /** Confirms so far, per queue. */
  Map<String, Integer> confirmed() {
    var counts = new LinkedHashMap<String, Integer>();
    queues.forEach(q -> counts.put(q, ledger.confirmedCount(q)));
    return counts;
  }

  /** Waits until each queue has {@code more} confirms more than now. */
  void awaitConfirmedMore(int more) {
    Map<String, Integer> now = confirmed();
    await("confirms on " + queues + " (" + summary() + ")").atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> queues.stream().allMatch(q -> ledger.confirmedCount(q) >= now.get(q) + more));
  }

  /**
   * Stops publishing, waits until every confirmed message was delivered, and checks that a
   * message delivered more than once came flagged redelivered.
   */
  void stopAndCheckNothingConfirmedLost() {
    http.stopPublishing();
    stomp.stopPublishing();
    for (String queue : queues) {
      await("every confirmed message of " + queue + " delivered (" + ledger.summary(queue) + ")").atMost(WAIT)
          .pollInterval(Duration.ofMillis(100)).until(() -> ledger.missing(queue).isEmpty());
      assertEquals(List.of(), ledger.violations(queue), "duplicates only flagged redelivered");
    }
  }

  /** Deliveries of messages whose publish was never confirmed (refused, or its answer lost), per queue, after {@code nanos}. */
  Map<String, Long> unconfirmedDeliveriesAfter(long nanos) {
    var counts = new LinkedHashMap<String, Long>();
    queues.forEach(q -> counts.put(q, ledger.deliveriesAfter(q, nanos).stream()
        .filter(r -> ledger.confirmation(r.id).equals("not confirmed")).count()));
    return counts;
  }

  String summary() {
    return ledger.summary(overHttp) + "; " + ledger.summary(overStomp) + "; STOMP errors " + stomp.errors()
        + ", STOMP resubscriptions " + stomp.resubscribed() + ", HTTP streams " + httpConsumer.streams();
  }

  @Override
  public void close() throws InterruptedException {
    stomp.close();
    http.close();
  }
}
