package io.junctionmq.transport.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class StompCodecPropertiesTest {
  private static final int MAX_FRAME = 64 * 1024;
  private static final int MAX_HEADERS = 16 * 1024;

  @Provide
  Arbitrary<StompFrame> frames() {
    Arbitrary<StompCommand> commands = Arbitraries.of(StompCommand.values())
        .filter(c -> c.escapesHeaders());
    // Names and values with the characters that need escaping, and some non-ASCII.
    Arbitrary<String> text = Arbitraries.strings().withChars("ab:\\\r\n é€-").ofMaxLength(12);
    Arbitrary<StompFrame.Header> header = Combinators.combine(text.filter(s -> !s.isEmpty()), text)
        .as(StompFrame.Header::new)
        .filter(h -> !h.name().equals("content-length"));
    Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return Combinators.combine(commands, header.list().ofMaxSize(6), body).as((c, hs, b) -> {
      var all = new ArrayList<>(hs);
      // A body with NUL bytes needs content-length; a frame without one ends at the first NUL.
      all.add(new StompFrame.Header("content-length", Integer.toString(b.length)));
      return new StompFrame(c, all, b);
    });
  }

  @Property(tries = 400)
  void encodeThenDecodeInAnyChunkingGivesTheSameFrames(
      @ForAll @Size(min = 1, max = 5) List<@net.jqwik.api.From("frames") StompFrame> frames,
      @ForAll @Size(max = 20) List<@IntRange(min = 1, max = 64) Integer> cuts,
      @ForAll boolean heartBeats) throws Exception {
    var wire = new java.io.ByteArrayOutputStream();
    for (StompFrame f : frames) {
      wire.writeBytes(StompEncoder.encode(f));
      if (heartBeats) {
        wire.writeBytes("\n\r\n".getBytes());
      }
    }
    byte[] bytes = wire.toByteArray();
    var decoded = new ArrayList<StompFrame>();
    var decoder = new StompDecoder(MAX_FRAME, MAX_HEADERS);
    int pos = 0;
    int i = 0;
    while (pos < bytes.length) {
      int n = Math.min(bytes.length - pos, cuts.isEmpty() ? bytes.length : cuts.get(i++ % cuts.size()));
      decoder.feed(bytes, pos, n, decoded::add);
      pos += n;
    }

    assertEquals(frames, decoded);
  }

  @Provide
  Arbitrary<byte[]> noise() {
    // Bytes that look like STOMP often enough to get deep into the decoder.
    Arbitrary<byte[]> tokens = Arbitraries.of("SEND", "MESSAGE", "\n", "\r", "\r\n", ":", "\\", "\\c", "\\x",
            "content-length:", "3", "-1", "99999999999", "\0", "a", "é", "CONNECT", "\n\n")
        .map(String::getBytes);
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    return Arbitraries.oneOf(tokens, raw).list().ofMaxSize(40).map(parts -> {
      var out = new java.io.ByteArrayOutputStream();
      parts.forEach(out::writeBytes);
      return out.toByteArray();
    });
  }

  @Property(tries = 2000)
  void randomBytesOnlyEverYieldFramesOrTheCodecsOwnError(@ForAll("noise") byte[] bytes,
      @ForAll @IntRange(min = 1, max = 16) int chunk) {
    var decoder = new StompDecoder(512, 128);
    try {
      for (int pos = 0; pos < bytes.length; pos += chunk) {
        decoder.feed(bytes, pos, Math.min(chunk, bytes.length - pos), f -> { });
      }
    } catch (StompProtocolException expected) {
      // the codec's own error is the only acceptable failure
    }
  }

  @Property(tries = 1000)
  void mutatedFramesOnlyEverYieldFramesOrTheCodecsOwnError(@ForAll("frames") StompFrame frame,
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 10_000) Integer> positions,
      @ForAll byte replacement) {
    byte[] bytes = StompEncoder.encode(frame);
    for (int p : positions) {
      bytes[p % bytes.length] = replacement;
    }
    var decoder = new StompDecoder(MAX_FRAME, MAX_HEADERS);
    try {
      decoder.feed(bytes, f -> { });
    } catch (StompProtocolException expected) {
      // the codec's own error is the only acceptable failure
    }
  }
}
