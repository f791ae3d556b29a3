package io.junctionmq.transport.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.junctionmq.transport.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WebSocket framing: STOMP frames split over WebSocket messages, or several in one, text or binary. */
class StompWebSocketIT {
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void framesMaySpanWebSocketMessagesAndShareThem() throws Exception {
    var frames = new CopyOnWriteArrayList<StompFrame>();
    var decoder = new StompDecoder(1 << 20, 1 << 16);
    WebSocket ws = node.vertx().createWebSocketClient()
        .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.httpPort()).setURI("/ws")
            .setSubProtocols(List.of("v12.stomp")))
        .await();
    assertEquals("v12.stomp", ws.subProtocol());
    ws.handler(b -> {
      try {
        decoder.feed(b.getBytes(), frames::add);
      } catch (StompProtocolException e) {
        throw new IllegalStateException(e);
      }
    });
    ws.writeTextMessage("CONNECT\naccept-version:1.2\nhe").await();
    ws.writeBinaryMessage(Buffer.buffer("art-beat:0,0\n\n\0".getBytes(StandardCharsets.UTF_8))).await();
    ws.writeTextMessage("SEND\ndestination:/queue/ws-split\nreceipt:a\n\none\0\n"
        + "SEND\ndestination:/queue/ws-split\nreceipt:b\n\ntw").await();
    ws.writeTextMessage("o\0").await();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 3);
    assertEquals(StompCommand.CONNECTED, frames.get(0).command());
    assertEquals("a", frames.get(1).header("receipt-id"));
    assertEquals("b", frames.get(2).header("receipt-id"));
    assertEquals(2, node.broker().queueInfo("/", "ws-split").await().stats().messagesReady());
    ws.close().await();
  }
}
