package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  /** A stream fed by hand that records whether it is paused. */
  static final class Source implements ReadStream<Buffer> {
    Handler<Buffer> handler;
    Handler<Void> endHandler;
    boolean paused;

    @Override public Source exceptionHandler(Handler<Throwable> h) { return this; }
    @Override public Source handler(Handler<Buffer> h) { handler = h; return this; }
    @Override public Source pause() { paused = true; return this; }
    @Override public Source resume() { paused = false; return this; }
    @Override public Source fetch(long amount) { paused = false; return this; }
    @Override public Source endHandler(Handler<Void> h) { endHandler = h; return this; }

    void push(String s) { handler.handle(Buffer.buffer(s)); }
  }

  private final Source source = new Source();
  private final List<String> lines = new ArrayList<>();
  private final List<Throwable> errors = new ArrayList<>();
  private boolean ended;

  private LineReader reader(int maxLine) {
    var r = new LineReader(source, maxLine)
        .handler(b -> lines.add(b.toString()))
        .endHandler(v -> ended = true)
        .exceptionHandler(errors::add);
    r.start();
    return r;
  }

  @Test
  void linesCutAcrossChunksComeWholeAndALastLineWithoutNewlineCounts() {
    reader(100);
    source.push("a\nbb");
    source.push("b\n\nc");
    source.push("cc");
    source.push("\ndd");
    source.endHandler.handle(null);
    assertEquals(List.of("a", "bbb", "", "ccc", "dd"), lines);
    assertTrue(ended);
    assertEquals(List.of(), errors);
  }

  @Test
  void pausedItHandsOutNothingAndPausesTheStreamThenGoesOnWhereItStopped() {
    var r = reader(100);
    var stopAfterTwo = new ArrayList<String>();
    r.handler(b -> {
      stopAfterTwo.add(b.toString());
      if (stopAfterTwo.size() == 2) {
        r.pause();
      }
    });
    source.push("1\n2\n3\n4");
    assertEquals(List.of("1", "2"), stopAfterTwo);
    assertTrue(source.paused);
    source.endHandler.handle(null);
    assertFalse(ended);
    r.resume();
    assertEquals(List.of("1", "2", "3", "4"), stopAfterTwo);
    assertTrue(ended);
  }

  @Test
  void aLineLongerThanTheLimitFailsEvenBeforeItsEndArrives() {
    reader(4);
    source.push("1234\n12");
    source.push("345");
    assertEquals(List.of("1234"), lines);
    assertEquals(1, errors.size());
    assertInstanceOf(IllegalStateException.class, errors.get(0));
    source.push("\nmore\n");
    assertEquals(List.of("1234"), lines);
  }

  @Test
  void anyChunkingGivesTheSameLines() {
    var random = new Random(7);
    var text = new StringBuilder();
    var expected = new ArrayList<String>();
    for (int i = 0; i < 500; i++) {
      String line = "x".repeat(random.nextInt(40)) + i;
      expected.add(line);
      text.append(line).append('\n');
    }
    reader(1000);
    for (int at = 0; at < text.length(); ) {
      int n = Math.min(text.length() - at, 1 + random.nextInt(90));
      source.push(text.substring(at, at + n));
      at += n;
    }
    source.endHandler.handle(null);
    assertEquals(expected, lines);
    assertTrue(ended);
  }
}
