package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A streaming publish body on bytes from the network (docs/fuzzing.md): {@link LineReader} cuts
 * it into the same lines in any chunking (or stops at the first line over the limit), and each
 * line gives a message or INVALID_ARGUMENT, never another failure; what {@link PublishLines}
 * reads straight from the bytes is what the JsonObject path reads. The first byte of an input
 * chooses the chunking; the rest is the body.
 */
class NdjsonPublishFuzzTest {
  private static final int MAX_LINE = 512;

  @FuzzTest(maxDuration = "10s")
  void everyLineGivesAMessageOrAClearErrorInAnyChunking(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] body = Arrays.copyOfRange(input, 1, input.length);
    var source = new LineReaderTest.Source();
    var lines = new ArrayList<byte[]>();
    var errors = new ArrayList<Throwable>();
    boolean[] ended = {false};
    new LineReader(source, MAX_LINE)
        .handler(b -> lines.add(b.getBytes()))
        .endHandler(v -> ended[0] = true)
        .exceptionHandler(errors::add)
        .start();
    var cuts = new SplittableRandom(input[0]);
    for (int pos = 0; pos < body.length; ) {
      int n = Math.min(body.length - pos, cuts.nextInt(1, 2 * MAX_LINE));
      source.handler.handle(Buffer.buffer(Arrays.copyOfRange(body, pos, pos + n)));
      pos += n;
    }
    source.endHandler.handle(null);

    List<byte[]> expected = split(body);
    int tooLong = indexOfTooLong(expected);
    if (tooLong >= 0) {
      assertEquals(1, errors.size(), "a line over the limit did not stop the reader once");
      assertInstanceOf(IllegalStateException.class, errors.get(0));
      assertFalse(ended[0], "the reader ended after it failed");
      expected = expected.subList(0, tooLong);
    } else {
      assertEquals(List.of(), errors);
      assertTrue(ended[0], "the reader did not end");
    }
    assertEquals(expected.size(), lines.size(), "the reader handed out other lines than the body holds");
    var publishLines = new PublishLines("x");
    for (int i = 0; i < lines.size(); i++) {
      assertArrayEquals(expected.get(i), lines.get(i), "line " + (i + 1));
      readAsNdjsonPublishDoes(publishLines, lines.get(i));
    }
  }

  /** What {@link NdjsonPublish} does with a line: a message, or INVALID_ARGUMENT answered on that line. */
  private static void readAsNdjsonPublishDoes(PublishLines publishLines, byte[] bytes) {
    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    Buffer line = Buffer.buffer(Arrays.copyOf(bytes, length));
    if (line.toString().chars().allMatch(c -> c == ' ' || c == '\t')) {
      return;
    }
    PublishLines.Line read;
    try {
      read = publishLines.message(line);
    } catch (JunctionException e) {
      assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), e.reason());
      assertFalse(e.reason().isEmpty());
      return;
    }
    PublishLines.Line slow = publishLines.slowly(line);
    assertEquals(slow.message().exchange(), read.message().exchange());
    assertEquals(slow.message().routingKey(), read.message().routingKey());
    assertEquals(slow.message().properties(), read.message().properties());
    assertArrayEquals(slow.message().body(), read.message().body());
    assertEquals(slow.mandatory(), read.mandatory());
  }

  /** The lines of a body: cut at each newline, and the bytes after the last one when there are any. */
  private static List<byte[]> split(byte[] body) {
    var out = new ArrayList<byte[]>();
    int start = 0;
    for (int i = 0; i < body.length; i++) {
      if (body[i] == '\n') {
        out.add(Arrays.copyOfRange(body, start, i));
        start = i + 1;
      }
    }
    if (start < body.length) {
      out.add(Arrays.copyOfRange(body, start, body.length));
    }
    return out;
  }

  private static int indexOfTooLong(List<byte[]> lines) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).length > MAX_LINE) {
        return i;
      }
    }
    return -1;
  }
}
