package io.junctionmq.transport.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;

/**
 * Splits a byte stream into lines ({@code \n}-terminated, a last line without one included),
 * handed out as slices of the chunks they came in, with pause and resume. Vert.x's
 * {@code RecordParser} does the same job but copies every chunk and every record and scans
 * byte by byte through bounds checks: on a 1 KiB-message NDJSON upload that was a third of
 * the reading event loop's time. Here only a line cut across two chunks is copied.
 *
 * <p>A line longer than {@code maxLine} (without its newline) stops the reader with an
 * {@link IllegalStateException}; a partial line is never held beyond that size.
 */
final class LineReader {
  private final ReadStream<Buffer> in;
  private final int maxLine;
  private Handler<Buffer> lineHandler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  /** The chunk being split, from {@code pos}; null when all of it has been handed out. */
  private Buffer chunk;
  private int pos;
  /** The start of a line whose end has not arrived yet. */
  private Buffer partial;
  private boolean paused;
  private boolean ended;
  private boolean done;
  private boolean draining;

  LineReader(ReadStream<Buffer> in, int maxLine) {
    this.in = in;
    this.maxLine = maxLine;
  }

  LineReader handler(Handler<Buffer> handler) {
    this.lineHandler = handler;
    return this;
  }

  LineReader endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    return this;
  }

  LineReader exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  /** Starts reading. */
  void start() {
    in.exceptionHandler(this::fail);
    in.endHandler(v -> {
      ended = true;
      drain();
    });
    in.handler(this::chunk);
  }

  /** Hands out no more lines until {@link #resume()}; the stream is paused too. */
  void pause() {
    if (!paused) {
      paused = true;
      in.pause();
    }
  }

  void resume() {
    if (paused) {
      paused = false;
      drain();
      if (!paused && !done) {
        in.resume();
      }
    }
  }

  private void chunk(Buffer buffer) {
    if (done) {
      return;
    }
    chunk = buffer;
    pos = 0;
    drain();
  }

  private void drain() {
    if (draining || done) {
      return;
    }
    draining = true;
    try {
      while (!paused && !done && chunk != null) {
        int end = ((BufferInternal) chunk).getByteBuf().indexOf(pos, chunk.length(), (byte) '\n');
        if (end < 0) {
          keepPartial(chunk.slice(pos, chunk.length()));
          chunk = null;
        } else {
          Buffer line = chunk.slice(pos, end);
          pos = end + 1;
          if (pos == chunk.length()) {
            chunk = null;
          }
          if (partial != null) {
            line = partial.appendBuffer(line);
            partial = null;
          }
          emit(line);
        }
      }
      if (ended && !paused && !done && chunk == null) {
        done = true;
        if (partial != null && partial.length() > 0) {
          Buffer last = partial;
          partial = null;
          lineHandler.handle(last);
        }
        endHandler.handle(null);
      }
    } finally {
      draining = false;
    }
  }

  private void emit(Buffer line) {
    if (line.length() > maxLine) {
      fail(new IllegalStateException("line longer than " + maxLine + " bytes"));
    } else {
      lineHandler.handle(line);
    }
  }

  private void keepPartial(Buffer rest) {
    if (rest.length() == 0) {
      return;
    }
    if (partial == null) {
      partial = Buffer.buffer(Math.max(rest.length() * 2, 256));
    }
    partial.appendBuffer(rest);
    if (partial.length() > maxLine) {
      fail(new IllegalStateException("line longer than " + maxLine + " bytes"));
    }
  }

  private void fail(Throwable cause) {
    if (done) {
      return;
    }
    done = true;
    chunk = null;
    partial = null;
    exceptionHandler.handle(cause);
  }
}
