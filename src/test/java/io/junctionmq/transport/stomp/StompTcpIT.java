package io.junctionmq.transport.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.transport.TestNode;
import java.time.Duration;
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

  private static StompFrame frame(StompCommand c, String... headers) {
    var b = StompFrame.builder(c);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.build();
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

      c.send(frame(StompCommand.SUBSCRIBE, "id", "s1", "destination", "/queue/tcp-basic", "ack", "client-individual"));
      StompFrame m = c.receive(T);
      assertEquals(StompCommand.MESSAGE, m.command(), m.toString());
      assertEquals("hello", m.bodyText());
      assertEquals("s1", m.header("subscription"));
      assertEquals("/queue/tcp-basic", m.header("destination"));
      assertEquals("a:b\nc", m.header("x-custom"));
      assertEquals("true", m.header("persistent"));
      assertEquals("false", m.header("redelivered"));
      assertEquals(m.header("message-id"), m.header("ack"));
      c.send(frame(StompCommand.ACK, "id", m.header("ack"), "receipt", "a1"));
      assertEquals("a1", c.receive(T).header("receipt-id"));
      assertEquals(0, node.broker().queueInfo("/", "tcp-basic").await().stats().messages());
    }
  }

  @Test
  void aFrameBeforeConnectIsAnError() throws Exception {
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.send(frame(StompCommand.SEND, "destination", "/queue/x"));
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

      good.send(frame(StompCommand.SEND, "destination", "/queue/tcp-garbage", "receipt", "ok"));
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
      c.send(frame(StompCommand.SEND, "destination", "/nowhere/x", "receipt", "r9"));
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
      c.send(frame(StompCommand.SEND, "destination", "/exchange/nope/rk", "receipt", "r"));
      StompFrame error = c.receive(T);
      assertEquals("not_found", error.header("code"), error.toString());
    }
  }

  @Test
  void anAmqQueueMustExist() throws Exception {
    try (var c = client()) {
      c.send(frame(StompCommand.SUBSCRIBE, "id", "1", "destination", "/amq/queue/missing"));
      assertEquals("not_found", c.receive(T).header("code"));
    }
    try (var c = client()) {
      c.send(frame(StompCommand.SEND, "destination", "/amq/queue/missing", "receipt", "r"));
      StompFrame error = c.receive(T);
      assertEquals("not_found", error.header("code"), error.toString());
      assertTrue(error.bodyText().contains("no queue 'missing'"), error.bodyText());
    }
  }

  @Test
  void anUnknownAckIdIsAnError() throws Exception {
    try (var c = client()) {
      c.send(frame(StompCommand.ACK, "id", "77-1"));
      StompFrame error = c.receive(T);
      assertEquals("unknown_delivery_tag", error.header("code"), error.toString());
    }
  }

  @Test
  void aSubscriptionIdInUseIsAnError() throws Exception {
    try (var c = client()) {
      c.send(frame(StompCommand.SUBSCRIBE, "id", "s", "destination", "/queue/tcp-reuse"));
      c.send(frame(StompCommand.SUBSCRIBE, "id", "s", "destination", "/queue/tcp-reuse2"));
      StompFrame error = c.receive(T);
      assertEquals("precondition_failed", error.header("code"), error.toString());
    }
  }

  @Test
  void queueArgumentsTheCoreDoesNotHaveYetAreAnErrorFrame() throws Exception {
    try (var c = client()) {
      c.send(frame(StompCommand.SUBSCRIBE, "id", "s", "destination", "/queue/tcp-ttl", "x-max-priority", "10",
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
      producer.send(frame(StompCommand.SEND, "destination", "/queue/tcp-hb", "receipt", "r"));
      assertEquals("r", producer.receive(T).header("receipt-id"));
    }
    try (var c = new RawStompClient(node.junction().stompPort())) {
      assertEquals("500,500", c.connect("500,0").header("heart-beat"));
      c.send(frame(StompCommand.SUBSCRIBE, "id", "s", "destination", "/queue/tcp-hb", "ack", "client"));
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
      c.send(frame(StompCommand.DISCONNECT, "receipt", "bye"));
      assertEquals("bye", c.receive(T).header("receipt-id"));
      assertTrue(c.closedWithin(T));
    }
  }
}
