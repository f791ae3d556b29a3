package io.junctionmq.transport.stomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Delivery;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StompCodecTest {
  private final StompDecoder decoder = new StompDecoder(1024, 256);

  private List<StompFrame> decode(String wire) throws StompProtocolException {
    return decode(wire.getBytes(StandardCharsets.UTF_8));
  }

  private List<StompFrame> decode(byte[] wire) throws StompProtocolException {
    var frames = new ArrayList<StompFrame>();
    decoder.feed(wire, frames::add);
    return frames;
  }

  @Test
  void decodesAFrameWithHeadersAndANulTerminatedBody() throws Exception {
    var frames = decode("SEND\ndestination:/queue/a\nreceipt:7\n\nhello\0");

    assertEquals(1, frames.size());
    StompFrame f = frames.get(0);
    assertEquals(StompCommand.SEND, f.command());
    assertEquals("/queue/a", f.header("destination"));
    assertEquals("7", f.header("receipt"));
    assertEquals("hello", f.bodyText());
  }

  @Test
  void skipsHeartBeatsBetweenFramesAndAcceptsCrlf() throws Exception {
    var frames = decode("\n\r\n\nDISCONNECT\r\nreceipt:1\r\n\r\n\0\n\r\nBEGIN\ntransaction:t\n\n\0\n");

    assertEquals(List.of(StompCommand.DISCONNECT, StompCommand.BEGIN), frames.stream().map(StompFrame::command).toList());
    assertEquals("1", frames.get(0).header("receipt"));
    assertEquals("t", frames.get(1).header("transaction"));
  }

  @Test
  void contentLengthBodiesMayHoldNulBytes() throws Exception {
    byte[] body = {1, 0, 2, 0, 0, 3};
    byte[] head = "SEND\ndestination:/queue/a\ncontent-length:6\n\n".getBytes(StandardCharsets.UTF_8);
    byte[] wire = new byte[head.length + body.length + 1];
    System.arraycopy(head, 0, wire, 0, head.length);
    System.arraycopy(body, 0, wire, head.length, body.length);

    var frames = decode(wire);

    assertArrayEquals(body, frames.get(0).body());
  }

  @Test
  void unescapesHeadersButNotInConnectFrames() throws Exception {
    var frames = decode("SEND\na\\cb:x\\ny\\\\z\\r\n\n\0CONNECT\nlogin:a\\cb\n\n\0");

    assertEquals("x\ny\\z\r", frames.get(0).header("a:b"));
    assertEquals("a\\cb", frames.get(1).header("login"));
  }

  @Test
  void anUndefinedEscapeIsAnError() {
    var e = assertThrows(StompProtocolException.class, () -> decode("SEND\na:b\\t\n\n\0"));
    assertTrue(e.getMessage().contains("undefined escape"), e.getMessage());
  }

  @Test
  void theFirstOfRepeatedHeadersWins() throws Exception {
    StompFrame f = decode("MESSAGE\nfoo:World\nfoo:Hello\n\n\0").get(0);

    assertEquals("World", f.header("foo"));
    assertEquals(2, f.headers().size());
  }

  @Test
  void framesSplitAtEveryByteDecodeTheSame() throws Exception {
    byte[] wire = "SEND\ndestination:/queue/a\ncontent-length:3\n\na\0b\0\nACK\nid:1\n\n\0".getBytes(StandardCharsets.UTF_8);
    var frames = new ArrayList<StompFrame>();
    for (byte b : wire) {
      decoder.feed(new byte[] {b}, frames::add);
    }

    assertEquals(2, frames.size());
    assertArrayEquals(new byte[] {'a', 0, 'b'}, frames.get(0).body());
    assertEquals("1", frames.get(1).header("id"));
  }

  @Test
  void anUnknownCommandIsAnError() {
    var e = assertThrows(StompProtocolException.class, () -> decode("HELLO\n\n\0"));
    assertTrue(e.getMessage().contains("unknown command 'HELLO'"), e.getMessage());
  }

  @Test
  void aHeaderLineWithoutAColonIsAnError() {
    assertThrows(StompProtocolException.class, () -> decode("SEND\nnocolon\n\n\0"));
  }

  @Test
  void aBadContentLengthIsAnError() {
    assertThrows(StompProtocolException.class, () -> decode("SEND\ncontent-length:x\n\n\0"));
    var other = new StompDecoder(1024, 256);
    assertThrows(StompProtocolException.class,
        () -> other.feed("SEND\ncontent-length:2\n\nabc\0".getBytes(StandardCharsets.UTF_8), f -> { }));
  }

  @Test
  void oversizedHeadersAreRefusedBeforeTheyEnd() {
    String big = "SEND\nh:" + "x".repeat(300);
    var e = assertThrows(StompProtocolException.class, () -> decode(big));
    assertTrue(e.getMessage().contains("256"), e.getMessage());
  }

  @Test
  void oversizedBodiesAreRefusedBeforeTheyEnd() {
    assertThrows(StompProtocolException.class, () -> decode("SEND\n\n" + "x".repeat(1100)));
    var other = new StompDecoder(1024, 256);
    assertThrows(StompProtocolException.class,
        () -> other.feed("SEND\ncontent-length:5000\n\n".getBytes(StandardCharsets.UTF_8), f -> { }));
  }

  @Test
  void aFailedDecoderStaysFailed() {
    assertThrows(StompProtocolException.class, () -> decode("NOPE\n\n\0"));
    assertThrows(StompProtocolException.class, () -> decode("SEND\n\n\0"));
  }

  @Test
  void framesBeforeAnErrorInTheSameChunkAreHandedOut() {
    var frames = new ArrayList<StompFrame>();
    assertThrows(StompProtocolException.class,
        () -> decoder.feed("BEGIN\ntransaction:a\n\n\0JUNK\n\n\0".getBytes(StandardCharsets.UTF_8), frames::add));
    assertEquals(1, frames.size());
  }

  @Test
  void encodesWithEscapingExceptForConnected() throws Exception {
    var msg = StompFrame.builder(StompCommand.MESSAGE).header("a:b", "x\ny\\").body("hi").build();
    assertEquals("MESSAGE\na\\cb:x\\ny\\\\\n\nhi\0", new String(StompEncoder.encode(msg), StandardCharsets.UTF_8));
    var connected = StompFrame.builder(StompCommand.CONNECTED).header("server", "junction/0.1:x").build();
    assertEquals("CONNECTED\nserver:junction/0.1:x\n\n\0", new String(StompEncoder.encode(connected), StandardCharsets.UTF_8));
  }

  @Test
  void aMessageHeaderWithoutANameIsLeftOutSoThatTheMessageFrameDecodes() throws Exception {
    // Minimized from StompHeadersFuzzTest: an HTTP publish may carry {"headers": {"": "c"}}.
    var properties = MessageProperties.builder().headers(Map.of("", "c", "odme", "a\nb")).build();
    var message = new Message("x", "k", properties, "body".getBytes(StandardCharsets.UTF_8));
    StompFrame sent = StompMessages.frame(new Delivery("c", 1, false, 1, "q", message), "s", "1-1", true);

    List<StompFrame> received = new StompCodecTest().decode(StompEncoder.encode(sent));

    assertEquals(List.of(sent), received);
    assertNull(received.get(0).header(""));
    assertEquals("a\nb", received.get(0).header("odme"));
  }

  @Test
  void bodyTextNeverAppearsInToString() {
    var f = StompFrame.builder(StompCommand.SEND).body("secret").build();
    assertTrue(!f.toString().contains("secret"));
    assertNull(f.header("destination"));
  }
}
