package io.junctionmq.transport.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.transport.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** STOMP over plain TCP with a raw client: the frames on the wire, limits and bad input. */
class StompTcpIT {
  private static final Duration T = Duration.ofSeconds(10);
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("stomp.max-frame", "64KiB", "stomp.max-headers", "4KiB", "stomp.heartbeat", "500ms"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private RawStompClient client() throws Exception {
    var c = new RawStompClient(node.junction().stompPort());
    StompFrame connected = c.connect("0,0");
    assertEquals(StompCommand.CONNECTED, connected.command(), connected.toString());
    return c;
  }

  @Test
  void connectedNamesTheVersionServerHeartBeatAndSession() throws Exception {
    try (var c = new RawStompClient(node.junction().stompPort())) {
      StompFrame connected = c.connect("1000,2000");
      assertEquals("1.2", connected.header("version"));
      assertTrue(connected.header("server").startsWith("junction/"));
      assertEquals("500,500", connected.header("heart-beat"));
      assertNotNull(connected.header("session"));
    }
  }

  @Test
  void aSendWithAReceiptIsStoredAndDeliveredWithItsHeaders() throws Exception {
    try (var c = client()) {
      c.send(StompFrame.builder(StompCommand.SEND).header("destination", "/queue/tcp-basic").header("receipt", "r1")
          .header("persistent", "true").header("content-type", "text/plain").header("x-custom", "a:b\nc")
          .body("hello").build());
      StompFrame receipt = c.receive(T);
      assertEquals(StompCommand.RECEIPT, receipt.command(), receipt.toString());
      assertEquals("r1", receipt.header("receipt-id"));
      assertEquals(1, node.broker().queueInfo("/", "tcp-basic").await().stats().messagesReady());

      c.send(RawStompClient.frame(StompCommand.SUBSCRIBE, "id", "s1", "destination", "/queue/tcp-basic", "ack", "client-individual"));
      StompFrame m = c.receive(T);
      assertEquals(StompCommand.MESSAGE, m.command(), m.toString());
      assertEquals("hello", m.bodyText());
      assertEquals("s1", m.header("subscription"));
      assertEquals("/queue/tcp-basic", m.header("destination"));
      assertEquals("a:b\nc", m.header("x-custom"));
      assertEquals("true", m.header("persistent"));
      assertEquals("false", m.header("redelivered"));
      assertEquals(m.header("message-id"), m.header("ack"));
      c.send(RawStompClient.frame(StompCommand.ACK, "id", m.header("ack"), "receipt", "a1"));
      assertEquals("a1", c.receive(T).header("receipt-id"));
      assertEquals(0, node.broker().queueInfo("/", "tcp-basic").await().stats().messages());
    }
  }

  @Test
  void aFrameBeforeConnectIsAnError() throws Exception {
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.send(RawStompClient.frame(StompCommand.SEND, "destination", "/queue/x"));
      StompFrame error = c.receive(T);
      assertEquals(StompCommand.ERROR, error.command());
      assertTrue(error.header("message").startsWith("protocol_error"), error.header("message"));
      assertTrue(c.closedWithin(T));
    }
  }

  @Test
  void garbageIsAnErrorAndOtherConnectionsCarryOn() throws Exception {
    try (var good = client(); var bad = client()) {
      bad.sendRaw("HELLO\nworld\n\n\0");
      StompFrame error = bad.receive(T);
      assertEquals(StompCommand.ERROR, error.command());
      assertTrue(error.header("message").contains("unknown command"), error.header("message"));
      assertTrue(bad.closedWithin(T));

      good.send(RawStompClient.frame(StompCommand.SEND, "destination", "/queue/tcp-garbage", "receipt", "ok"));
      assertEquals("ok", good.receive(T).header("receipt-id"));
    }
  }

  @Test
  void anOversizedFrameIsAnError() throws Exception {
    try (var c = client()) {
      c.sendRaw("SEND\ndestination:/queue/big\n\n" + "x".repeat(70 * 1024) + "\0");
      StompFrame error = c.receive(T);
      assertEquals(StompCommand.ERROR, error.command());
      assertTrue(error.bodyText().contains("exceeds the limit"), error.bodyText());
    }
  }

  @Test
  void oversizedHeadersAreAnError() throws Exception {
    try (var c = client()) {
      c.sendRaw("SEND\ndestination:/queue/big\nh:" + "x".repeat(5000) + "\n\n\0");
      StompFrame error = c.receive(T);
      assertEquals(StompCommand.ERROR, error.command());
      assertTrue(error.bodyText().contains("headers exceed"), error.bodyText());
    }
  }

  @Test
  void aBadDestinationIsAnErrorWithTheReceiptId() throws Exception {
    try (var c = client()) {
      c.send(RawStompClient.frame(StompCommand.SEND, "destination", "/nowhere/x", "receipt", "r9"));
      StompFrame error = c.receive(T);
      assertEquals(StompCommand.ERROR, error.command());
      assertEquals("r9", error.header("receipt-id"));
      assertEquals("invalid_argument", error.header("code"));
      assertTrue(c.closedWithin(T));
    }
  }

  @Test
  void aSendToAMissingExchangeIsAnError() throws Exception {
    try (var c = client()) {
      c.send(RawStompClient.frame(StompCommand.SEND, "destination", "/exchange/nope/rk", "receipt", "r"));
      StompFrame error = c.receive(T);
      assertEquals("not_found", error.header("code"), error.toString());
    }
  }

  @Test
  void anAmqQueueMustExist() throws Exception {
    try (var c = client()) {
      c.send(RawStompClient.frame(StompCommand.SUBSCRIBE, "id", "1", "destination", "/amq/queue/missing"));
      assertEquals("not_found", c.receive(T).header("code"));
    }
    try (var c = client()) {
      c.send(RawStompClient.frame(StompCommand.SEND, "destination", "/amq/queue/missing", "receipt", "r"));
      StompFrame error = c.receive(T);
      assertEquals("not_found", error.header("code"), error.toString());
      assertTrue(error.bodyText().contains("no queue 'missing'"), error.bodyText());
    }
  }

  @Test
  void aSendNeedingTwoDeclaresIsAnsweredInOrderWithOneReceiptAndDeliveredOnce() throws Exception {
    try (var c = client()) {
      // Neither temp queue exists yet: both are declared before the first SEND is published,
      // and the second SEND, sent without waiting, is held until then.
      c.send(StompFrame.builder(StompCommand.SEND).header("destination", "/temp-queue/a")
          .header("reply-to", "/temp-queue/b").header("receipt", "r1").body("ask").build());
      c.send(StompFrame.builder(StompCommand.SEND).header("destination", "/temp-queue/a")
          .header("receipt", "r2").body("more").build());
      assertEquals("r1", c.receive(T).header("receipt-id"));
      assertEquals("r2", c.receive(T).header("receipt-id"));

      c.send(RawStompClient.frame(StompCommand.SUBSCRIBE, "id", "s", "destination", "/temp-queue/a", "ack", "client-individual"));
      StompFrame ask = c.receive(T);
      assertEquals(StompCommand.MESSAGE, ask.command(), ask.toString());
      assertEquals("ask", ask.bodyText());
      assertTrue(ask.header("reply-to").startsWith("/reply-queue/stomp-temp-"), ask.header("reply-to"));
      assertEquals("more", c.receive(T).bodyText());
      String queue = ask.header("destination").substring("/queue/".length());
      assertEquals(2, node.broker().queueInfo("/", queue).await().stats().messages(), "each SEND is stored once");

      // The reply-to temp queue was declared and subscribed too: a reply comes back on it.
      c.send(StompFrame.builder(StompCommand.SEND).header("destination", ask.header("reply-to"))
          .header("receipt", "r3").body("answer").build());
      var frames = List.of(c.receive(T), c.receive(T));
      StompFrame receipt = frames.get(0).command() == StompCommand.RECEIPT ? frames.get(0) : frames.get(1);
      StompFrame reply = frames.get(0).command() == StompCommand.RECEIPT ? frames.get(1) : frames.get(0);
      assertEquals("r3", receipt.header("receipt-id"), frames.toString());
      assertEquals(StompCommand.MESSAGE, reply.command(), frames.toString());
      assertEquals("/temp-queue/b", reply.header("subscription"));
      assertEquals("answer", reply.bodyText());
    }
  }

  @Test
  void aBadPriorityOrExpirationIsRefusedWithTheReasonTheHttpApiGives() throws Exception {
    var cases = Map.of(
        "priority", List.of("256", "priority must be from 0 to 255, got 256"),
        "expiration", List.of("-1", "expiration must be a whole number of milliseconds from 0 to 2147483647, got '-1'"),
        "timestamp", List.of("-1", "timestamp must not be negative, got -1"));
    for (var bad : cases.entrySet()) {
      try (var c = client()) {
        c.send(RawStompClient.frame(StompCommand.SEND, "destination", "/topic/bad-properties", bad.getKey(), bad.getValue().get(0),
            "receipt", "r"));
        StompFrame error = c.receive(T);
        assertEquals(StompCommand.ERROR, error.command(), error.toString());
        assertEquals("r", error.header("receipt-id"));
        assertEquals("invalid_argument: " + bad.getValue().get(1), error.header("message"));
        assertTrue(c.closedWithin(T));
      }
    }
  }

  @Test
  void anUnknownAckIdIsAnError() throws Exception {
    try (var c = client()) {
      c.send(RawStompClient.frame(StompCommand.ACK, "id", "77-1"));
      StompFrame error = c.receive(T);
      assertEquals("unknown_delivery_tag", error.header("code"), error.toString());
    }
  }

  @Test
  void aSubscriptionIdInUseIsAnError() throws Exception {
    try (var c = client()) {
      c.send(RawStompClient.frame(StompCommand.SUBSCRIBE, "id", "s", "destination", "/queue/tcp-reuse"));
      c.send(RawStompClient.frame(StompCommand.SUBSCRIBE, "id", "s", "destination", "/queue/tcp-reuse2"));
      StompFrame error = c.receive(T);
      assertEquals("precondition_failed", error.header("code"), error.toString());
    }
  }

  @Test
  void queueArgumentsTheCoreDoesNotHaveYetAreAnErrorFrame() throws Exception {
    try (var c = client()) {
      c.send(RawStompClient.frame(StompCommand.SUBSCRIBE, "id", "s", "destination", "/queue/tcp-ttl", "x-max-priority", "10",
          "receipt", "r"));
      StompFrame error = c.receive(T);
      assertEquals(StompCommand.ERROR, error.command());
      assertEquals("not_implemented", error.header("code"), error.toString());
      assertEquals("r", error.header("receipt-id"));
    }
  }

  @Test
  void aSilentClientIsDisconnectedAndItsUnackedMessagesGoBack() throws Exception {
    try (var producer = client()) {
      producer.send(RawStompClient.frame(StompCommand.SEND, "destination", "/queue/tcp-hb", "receipt", "r"));
      assertEquals("r", producer.receive(T).header("receipt-id"));
    }
    try (var c = new RawStompClient(node.junction().stompPort())) {
      assertEquals("500,500", c.connect("500,0").header("heart-beat"));
      c.send(RawStompClient.frame(StompCommand.SUBSCRIBE, "id", "s", "destination", "/queue/tcp-hb", "ack", "client"));
      assertEquals(StompCommand.MESSAGE, c.receive(T).command());
      assertEquals(1, node.broker().queueInfo("/", "tcp-hb").await().stats().messagesUnacknowledged());
      // The client promised a heart-beat every 500 ms and sends nothing: gone after 2 x 500 ms.
      assertTrue(c.closedWithin(Duration.ofSeconds(5)));
    }
    org.awaitility.Awaitility.await().atMost(T).until(() ->
        node.broker().queueInfo("/", "tcp-hb").await().stats().messagesReady() == 1);
  }

  @Test
  void theServerSendsHeartBeatsWhenIdle() throws Exception {
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.connect("0,500");
      // The client wants a heart-beat every 500 ms and sends nothing itself (0): EOLs only, and it stays open.
      byte[] idle = c.rawWithin(Duration.ofMillis(1600));
      assertTrue(idle.length >= 2, "heart-beats received: " + idle.length);
      for (byte b : idle) {
        assertEquals('\n', b);
      }
      assertTrue(!c.closedWithin(Duration.ofMillis(200)));
    }
  }

  @Test
  void disconnectAnswersWithItsReceiptThenCloses() throws Exception {
    try (var c = client()) {
      c.send(RawStompClient.frame(StompCommand.DISCONNECT, "receipt", "bye"));
      assertEquals("bye", c.receive(T).header("receipt-id"));
      assertTrue(c.closedWithin(T));
    }
  }
}
