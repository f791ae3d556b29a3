package io.junctionmq.transport.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.transport.NodeScript;
import io.junctionmq.transport.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Stock @stomp/stompjs 7 under Node (with `ws`) against a node's /ws: src/test/js/stomp-scenarios.mjs. */
class StompJsIT {
  private static TestNode node;

  @BeforeAll
  static void start() {
    NodeScript.assumeNode();
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static JsonObject scenario(String name) {
    var result = NodeScript.run("stomp-scenarios.mjs", Map.of("WS_URL", node.wsUrl(), "SCENARIO", name),
        Duration.ofSeconds(60));
    assertEquals(0, result.exitCode(), result.output());
    String[] lines = result.output().trim().split("\n");
    return new JsonObject(lines[lines.length - 1]);
  }

  private static long messages(String queue) {
    return node.broker().queueInfo("/", queue).await().stats().messages();
  }

  @Test
  void publishesWithReceiptsAndReceivesEveryMessageInOrder() {
    var r = scenario("receipts");
    assertEquals(100, r.getInteger("received"));
    assertTrue(r.getBoolean("inOrder"));
    assertEquals(0, messages("js-receipts"));
  }

  @Test
  void subscribesInEachAckMode() {
    var r = scenario("ackModes");
    for (String mode : List.of("auto", "client", "client-individual")) {
      assertEquals(10, r.getJsonObject(mode).getInteger("received"), mode);
      assertEquals(!mode.equals("auto"), r.getJsonObject(mode).getBoolean("ackHeader"), mode);
      assertEquals(0, messages("js-ack-" + mode), mode);
    }
  }

  @Test
  void aNackedMessageComesBackFlaggedRedelivered() {
    var r = scenario("nack");
    assertEquals(new JsonArray(List.of("false", "true")), r.getJsonArray("redelivered"));
    assertEquals(0, messages("js-nack"));
  }

  @Test
  void twoSubscribersWithPrefetchOneShareAQueueRoundRobin() {
    var r = scenario("roundRobin");
    int a = r.getInteger("a");
    int b = r.getInteger("b");
    assertEquals(20, a + b);
    assertTrue(a >= 7 && b >= 7, r.encode());
  }

  @Test
  void transactionsPublishAtCommitAndNotAtAll() {
    var r = scenario("transactions");
    assertEquals(0, r.getInteger("beforeCommit"));
    assertEquals(new JsonArray(List.of("c0", "c1", "c2")), r.getJsonArray("afterCommit"));
    assertEquals(new JsonArray(List.of("after")), r.getJsonArray("afterAbort"));
    assertEquals(0, messages("js-tx-ack"));
  }

  @Test
  void aTopicFansOutToEverySubscriber() {
    var r = scenario("topicFanout");
    assertEquals(new JsonArray(List.of(5, 5, 5)), r.getJsonArray("counts"));
  }

  @Test
  void requestReplyThroughATempQueue() {
    var reply = scenario("requestReply").getJsonObject("reply");
    assertEquals("pong:ping", reply.getString("body"));
    assertEquals("c-1", reply.getString("correlation"));
    assertEquals("/temp-queue/rpc", reply.getString("subscription"));
  }

  @Test
  void exchangeDestinationsBindPrivateQueues() {
    var r = scenario("exchange");
    assertEquals(new JsonArray(List.of("/exchange/amq.direct/js-key")), r.getJsonArray("direct"));
    assertEquals(new JsonArray(List.of("f")), r.getJsonArray("fanout"));
    // The private queues went with their subscriptions.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        node.broker().queues("/").stream().noneMatch(q -> q.queue().name().startsWith("stomp-subscription-")));
  }

  @Test
  void errorsEndOnlyTheirOwnConnection() {
    var r = scenario("errors");
    assertEquals("invalid_argument", r.getJsonObject("badDestination").getString("code"));
    assertTrue(r.getJsonObject("badDestination").getString("message").contains("/nowhere/at-all"));
    assertEquals("unknown_delivery_tag", r.getJsonObject("unknownAck").getString("code"));
    assertEquals(new JsonArray(List.of("still fine")), r.getJsonArray("healthy"));
    assertFalse(r.containsKey("error"));
  }
}
