package io.junctionmq.transport.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The STOMP decoder on bytes from the network (docs/fuzzing.md). The first byte of an input
 * chooses how the rest is cut into chunks (as TCP reads or WebSocket messages would cut it) and
 * whether headers are escaped (STOMP 1.1+) or not (1.0); the rest is the wire.
 */
class StompDecoderFuzzTest {
  private static final int MAX_FRAME = 1024;
  private static final int MAX_HEADERS = 256;

  /** What a decoder made of some bytes: the frames it handed out, and whether it then refused the rest. */
  record Outcome(List<StompFrame> frames, boolean refused) {
  }

  @FuzzTest(maxDuration = "10s")
  void decodesFramesOrRefusesTheBytesTheSameWayInAnyChunking(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int mode = input[0] & 0xff;
    byte[] wire = Arrays.copyOfRange(input, 1, input.length);
    boolean escaping = (mode & 1) == 0;

    Outcome whole = decode(wire, escaping, new SplittableRandom(mode), false);
    Outcome chunked = decode(wire, escaping, new SplittableRandom(mode), true);

    assertEquals(whole, chunked, "the chunking changed what was decoded");
    for (StompFrame frame : whole.frames()) {
      assertTrue(frame.body().length <= MAX_FRAME, "a body over the frame limit was handed out");
      if (representable(frame)) {
        assertEquals(List.of(frame), decode(StompEncoder.encode(frame), true, null, false).frames(),
            "a decoded frame, encoded again, did not decode to itself");
      }
    }
  }

  /**
   * Decodes {@code wire} whole, or in chunks of 1 to 64 bytes; only {@link StompProtocolException}
   * may stop it, and between two feeds the decoder holds no more than a frame's limit.
   */
  static Outcome decode(byte[] wire, boolean escaping, SplittableRandom cuts, boolean chunked) {
    var decoder = cuts == null ? new StompDecoder(64 * MAX_FRAME, 64 * MAX_FRAME) : new StompDecoder(MAX_FRAME, MAX_HEADERS);
    decoder.escaping(escaping);
    var frames = new ArrayList<StompFrame>();
    int pos = 0;
    try {
      while (pos < wire.length) {
        int n = chunked ? Math.min(wire.length - pos, cuts.nextInt(1, 65)) : wire.length - pos;
        decoder.feed(wire, pos, n, frames::add);
        pos += n;
        assertTrue(decoder.buffered() <= MAX_FRAME || cuts == null,
            "the decoder holds " + decoder.buffered() + " bytes of an incomplete frame");
      }
    } catch (StompProtocolException e) {
      return new Outcome(frames, true);
    }
    return new Outcome(frames, false);
  }

  /**
   * Whether the encoder can write the frame as it is. Every frame that escapes its headers can
   * be; a CONNECT is never encoded by the server, and its raw values cannot end in a CR.
   */
  private static boolean representable(StompFrame frame) {
    return frame.command().escapesHeaders()
        || frame.headers().stream().noneMatch(h -> h.value().endsWith("\r") || h.value().contains("\n"));
  }
}
