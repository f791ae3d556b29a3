package io.junctionmq.transport.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.QueueArguments;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The STOMP headers the broker interprets, with values from the network (docs/fuzzing.md):
 * {@code accept-version}, {@code heart-beat}, {@code destination}, {@code ack},
 * {@code prefetch-count}, {@code requeue}, the {@code x-*} queue arguments, and a SEND's message
 * properties. Each gives its value or a {@link JunctionException} that becomes one well-formed
 * ERROR frame; never another failure. A SEND's headers, delivered to a consumer as a MESSAGE
 * frame, are encoded so that the frame decodes to itself.
 */
class StompHeadersFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void everyHeaderTheBrokerReadsGivesAValueOrAnErrorFrame(byte[] input) {
    var f = frame(input);

    valueOrErrorFrame(() -> assertNotNull(StompSession.version(f.header("accept-version"))));
    valueOrErrorFrame(() -> assertNotNull(HeartBeat.negotiate(f.header("heart-beat"), 10_000)));
    valueOrErrorFrame(() -> assertNotNull(StompDestination.parse(f.header("destination"))));
    valueOrErrorFrame(() -> assertNotNull(Subscriptions.ackMode(f.header("ack", "auto"))));
    valueOrErrorFrame(() -> assertTrue(Subscriptions.integer(f, "prefetch-count", 0) >= 0));
    valueOrErrorFrame(() -> Subscriptions.bool(f, "requeue", true));
    valueOrErrorFrame(() -> {
      try {
        QueueArguments.parse(QueueHeaders.arguments(f));
      } catch (IllegalArgumentException e) {
        // As Catalog.declareQueue answers it.
        throw ErrorCode.INVALID_ARGUMENT.error(e.getMessage());
      }
    });
    valueOrErrorFrame(() -> {
      Message m = StompMessages.message(f, "x", "k", f.header("reply-to"));
      StompFrame delivered = StompMessages.frame(new Delivery("c", 1, false, 1, "q", m), "s", "1-1", true);
      assertEquals(List.of(delivered), decoded(delivered), "a MESSAGE frame did not decode to itself");
    });
  }

  /**
   * A SEND frame from {@code name:value} lines up to a blank line (the headers as the decoder
   * hands them out, unescaped: any character but a newline), then the body.
   */
  private static StompFrame frame(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    var headers = new ArrayList<StompFrame.Header>();
    int pos = 0;
    while (pos < text.length()) {
      int nl = text.indexOf('\n', pos);
      String line = text.substring(pos, nl < 0 ? text.length() : nl);
      pos = nl < 0 ? text.length() : nl + 1;
      if (line.isEmpty()) {
        break;
      }
      int colon = line.indexOf(':');
      headers.add(colon < 0 ? new StompFrame.Header(line, "") : new StompFrame.Header(line.substring(0, colon),
          line.substring(colon + 1)));
    }
    return new StompFrame(StompCommand.SEND, headers, text.substring(pos).getBytes(StandardCharsets.UTF_8));
  }

  private static void valueOrErrorFrame(Runnable read) {
    try {
      read.run();
    } catch (JunctionException e) {
      StompFrame error = StompErrors.frame(e, "r-1", "fuzz");
      List<StompFrame> frames = decoded(error);
      assertEquals(1, frames.size(), "the ERROR frame did not decode as one frame");
      assertEquals(StompCommand.ERROR, frames.get(0).command());
      assertEquals(e.code().wireName(), frames.get(0).header("code"));
      assertTrue(frames.get(0).header("message").startsWith(e.code().wireName() + ": "));
    }
  }

  /** What a client decodes of the frame as the server encodes it. */
  private static List<StompFrame> decoded(StompFrame frame) {
    var out = new ArrayList<StompFrame>();
    try {
      new StompDecoder(1 << 20, 1 << 20).feed(StompEncoder.encode(frame), out::add);
    } catch (StompProtocolException e) {
      throw new AssertionError("the server wrote a frame a client cannot decode: " + e.getMessage(), e);
    }
    return out;
  }
}
