package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.ClientInfo;
import io.junctionmq.broker.Connection;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;

/**
 * One streaming publish: an NDJSON request body, one message a line, answered by an NDJSON
 * response with one line per message, in order, each written once the message is stored:
 * {@code {"line":N,"routed":true}} or {@code {"line":N,"error":"...","reason":"..."}}. A last
 * line sums up: {@code {"done":true,"lines":...,"published":...,"routed":...,"errors":...}}.
 *
 * <p>The body is read only as fast as messages are stored: reading pauses while
 * {@code maxInFlight} messages await their answer, or while the response's write queue is full,
 * so a fast uploader is slowed by TCP instead of buffered. Runs on the request's context.
 */
final class NdjsonPublish {
  private static final class Pending {
    final long line;
    /** The answer line, without its newline; null until the message is stored or failed. */
    String result;

    Pending(long line) {
      this.line = line;
    }
  }

  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final io.vertx.core.Vertx vertx;
  private final Broker broker;
  private final String vhost;
  private final String exchange;
  private final int maxInFlight;
  private final int maxLine;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private LineReader parser;
  private final PublishLines publishLines;
  private long lines;
  private long published;
  private long routed;
  private long errors;
  private boolean paused;
  private boolean ended;
  private boolean closed;
  private boolean closeAfterEnd;
  private boolean flushScheduled;
  private Connection connection;

  NdjsonPublish(RoutingContext ctx, Broker broker, String vhost, String exchange, int maxInFlight, int maxLine) {
    this.ctx = ctx;
    this.response = ctx.response();
    this.vertx = ctx.vertx();
    this.broker = broker;
    this.vhost = vhost;
    this.exchange = exchange;
    this.maxInFlight = maxInFlight;
    this.maxLine = maxLine;
    this.publishLines = new PublishLines(exchange);
  }

  void start() {
    broker.exchange(vhost, exchange);
    response.setChunked(true).setStatusCode(200).putHeader("Content-Type", PublishRoutes.NDJSON);
    String peer = String.valueOf(ctx.request().remoteAddress());
    connection = broker.connect(ClientInfo.of("http-publish", "http publish " + peer, peer).vhost(vhost)
        .with("exchange", exchange));
    response.closeHandler(v -> {
      if (!closed) {
        closed = true;
        closeConnection("the client closed the stream");
      }
    });
    parser = new LineReader(ctx.request(), maxLine)
        .exceptionHandler(this::broken)
        .endHandler(v -> {
          ended = true;
          flush();
        })
        .handler(this::line);
    parser.start();
  }


  private void line(Buffer record) {
    long n = ++lines;
    int length = record.length();
    if (length > 0 && record.getByte(length - 1) == '\r') {
      record = record.slice(0, length - 1);
    }
    if (isBlank(record)) {
      return;
    }
    var p = new Pending(n);
    pending.add(p);
    try {
      var line = publishLines.message(record);
      published++;
      connection.publish(vhost, line.message(), line.mandatory()).onComplete(ar -> {
        if (ar.succeeded()) {
          if (ar.result().routed()) {
            routed++;
          }
          // The common answer, one per message, is written directly rather than through a JsonObject.
          p.result = "{\"line\":" + n + ",\"routed\":" + ar.result().routed() + "}";
        } else {
          p.result = error(n, HttpErrors.translate(ar.cause(), 500, ctx));
        }
        flushSoon();
      });
    } catch (JunctionException e) {
      p.result = error(n, e);
    }
    flush();
  }

  /** Confirmations arrive in bursts (one store commit confirms many): answer them together, once per turn. */
  private void flushSoon() {
    if (!flushScheduled) {
      flushScheduled = true;
      vertx.runOnContext(v -> {
        flushScheduled = false;
        flush();
      });
    }
  }

  /** Writes the answers that are ready, in line order, as one chunk; ends when all are in. */
  private void flush() {
    if (closed) {
      return;
    }
    Buffer out = null;
    while (!pending.isEmpty() && pending.peek().result != null) {
      if (out == null) {
        out = Buffer.buffer();
      }
      out.appendString(pending.poll().result).appendByte((byte) '\n');
    }
    if (ended && pending.isEmpty()) {
      if (out == null) {
        out = Buffer.buffer();
      }
      out.appendString(new JsonObject().put("done", true).put("lines", lines).put("published", published)
          .put("routed", routed).put("errors", errors).encode()).appendByte((byte) '\n');
      closed = true;
      closeConnection(closeAfterEnd ? "the upload broke off" : "the upload ended");
      response.end(out).onComplete(v -> {
        if (closeAfterEnd) {
          ctx.request().connection().close();
        }
      });
      return;
    }
    if (out != null) {
      response.write(out);
    }
    flow();
  }

  /** Pauses reading while too many messages are unanswered or the response cannot take more. */
  private void flow() {
    boolean full = response.writeQueueFull();
    if (full) {
      response.drainHandler(v -> flow());
    }
    // Resume only once half the window is free, so that reading goes in runs, not line by line.
    if (!paused && (pending.size() >= maxInFlight || full)) {
      paused = true;
      parser.pause();
    } else if (paused && !ended && !full && pending.size() <= maxInFlight / 2) {
      paused = false;
      parser.resume();
    }
  }

  /** A line longer than the limit (or a broken upload): answer what is pending, say why, and stop. */
  private void broken(Throwable cause) {
    if (closed) {
      return;
    }
    JunctionException e = cause instanceof IllegalStateException
        ? ErrorCode.PAYLOAD_TOO_LARGE.error("line " + (lines + 1) + " is longer than http.max-body")
        : HttpErrors.translate(cause, 500, ctx);
    pending.add(new Pending(lines + 1));
    pending.peekLast().result = error(lines + 1, e);
    ended = true;
    closeAfterEnd = true;
    flush();
  }

  private void closeConnection(String reason) {
    var counts = new LinkedHashMap<String, Object>();
    counts.put("lines", lines);
    counts.put("published", published);
    counts.put("routed", routed);
    counts.put("errors", errors);
    connection.close(reason, counts);
  }

  private String error(long line, JunctionException e) {
    errors++;
    return new JsonObject().put("line", line).put("error", e.code().wireName()).put("reason", e.reason()).encode();
  }

  private static boolean isBlank(Buffer b) {
    for (int i = 0; i < b.length(); i++) {
      byte c = b.getByte(i);
      if (c != ' ' && c != '\t') {
        return false;
      }
    }
    return true;
  }
}
