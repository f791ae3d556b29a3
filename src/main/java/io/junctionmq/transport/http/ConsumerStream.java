package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.ClientInfo;
import io.junctionmq.broker.Connection;
import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.broker.Consumer;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * One streaming consumer: {@code GET /api/queues/{vhost}/{name}/stream}. It owns a broker
 * {@link Connection}, so closing the stream cancels the consumer and returns what is unacked.
 *
 * <p>With {@code ack=auto} a delivery is settled when it is written; while the response's write
 * queue is full the consumer is paused and resumed from the drain handler, so a slow reader is
 * paced by TCP and messages wait in the queue. With {@code ack=manual} the first event names
 * the consumer id that {@code /api/consumers/{id}/ack} and {@code /nack} take, and the prefetch
 * bounds what is outstanding. Runs on the request's context.
 */
final class ConsumerStream {

  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final Vertx vertx;
  private final Broker broker;
  private final HttpConsumers consumers;
  private final StreamFormat format;
  private final String vhost;
  private final String queue;
  private final boolean manual;
  private final int prefetch;
  private final String encoding;
  private final String id = "http-" + UUID.randomUUID();
  private Connection connection;
  private Consumer consumer;
  private long keepAlive = -1;
  private long tokenExpiry = -1;
  private boolean closed;
  private boolean headWritten;
  private Buffer gathered;

  ConsumerStream(RoutingContext ctx, Vertx vertx, Broker broker, HttpConsumers consumers, StreamFormat format,
                 boolean manual, int prefetch, String encoding) {
    this.ctx = ctx;
    this.response = ctx.response();
    this.vertx = vertx;
    this.broker = broker;
    this.consumers = consumers;
    this.format = format;
    this.vhost = Rest.vhost(ctx);
    this.queue = ctx.pathParam("name");
    this.manual = manual;
    this.prefetch = prefetch;
    this.encoding = encoding;
  }

  /**
   * Subscribes, then answers 200 with the stream's head: a refused subscription (no such
   * queue, no permission) is a plain HTTP error. Deliveries that come before the head wait
   * for it.
   */
  void start(long keepAliveMillis) {
    response.closeHandler(v -> close("the client closed the stream"));
    response.exceptionHandler(e -> close("the stream failed: " + e.getMessage()));
    String peer = String.valueOf(ctx.request().remoteAddress());
    connection = broker.connect(ClientInfo.of("http-stream", "http stream " + peer, peer)
        .vhost(vhost).with("format", format.name().toLowerCase(Locale.ROOT)).with("queue", queue)
        .with("consumer", id).with("ack", manual ? "manual" : "auto").with("prefetch", prefetch));
    // Closed by the broker (DELETE /api/connections/{name}, its user deleted): the stream ends, saying why.
    var context = vertx.getOrCreateContext();
    connection.closedHandler(reason -> context.runOnContext(v -> end(new JsonObject().put("reason", reason))));
    var options = new ConsumeOptions(id, prefetch, manual ? AckMode.CLIENT_INDIVIDUAL : AckMode.AUTO);
    connection.consume(vhost, queue, options, this::deliver).onComplete(ar -> {
      if (ar.failed()) {
        if (!closed) {
          close("the subscription was refused");
          ctx.fail(ar.cause());
        }
        return;
      }
      consumer = ar.result();
      if (closed) {
        // Closed while subscribing: close() has closed the connection, which cancels this consumer.
        return;
      }
      head(keepAliveMillis);
      consumers.add(new HttpConsumers.Entry(id, vhost, queue, manual, prefetch, connection.id(),
          HttpAuth.user(ctx).name(), consumer));
      consumer.endHandler(reason -> end(new JsonObject().put("reason", reason)));
      HttpAuth.user(ctx).expiresAt().ifPresent(this::endAt);
      writeGathered();
    });
  }

  private void head(long keepAliveMillis) {
    response.setChunked(true).setStatusCode(200)
        .putHeader("Content-Type", format.contentType)
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(format.event("consumer", new JsonObject().put("consumer", id).put("queue", queue)
        .put("ack", manual ? "manual" : "auto").put("prefetch", prefetch)));
    headWritten = true;
    if (format == StreamFormat.SSE) {
      keepAlive = vertx.setPeriodic(keepAliveMillis, t -> {
        if (!closed && !response.writeQueueFull()) {
          response.write(": keep-alive\n\n");
        }
      });
    }
  }

  private void deliver(Delivery d) {
    if (closed || response.closed()) {
      // The close handler will cancel the consumer; an unacked delivery goes back then.
      return;
    }
    Buffer event = format.message(d.deliveryTag(), MessageJson.delivery(d, encoding, -1));
    if (gathered == null) {
      gathered = Buffer.buffer(event.length() * 4);
      if (headWritten) {
        vertx.runOnContext(v -> writeGathered());
      }
    }
    gathered.appendBuffer(event);
  }

  /** A queue hands its deliveries over in batches: they go out as one write, not one per message. */
  private void writeGathered() {
    if (!headWritten) {
      return;
    }
    Buffer out = gathered;
    gathered = null;
    if (out == null || closed || response.closed()) {
      return;
    }
    response.write(out);
    pace();
  }

  /** Auto-ack: hold deliveries while the response cannot take more, resume when it drains. */
  private void pace() {
    if (!manual && consumer != null && response.writeQueueFull()) {
      consumer.pause();
      response.drainHandler(v -> {
        if (!closed) {
          consumer.resume();
        }
      });
    }
  }

  /** A stream opened with a token ends when the token expires, as a STOMP session does. */
  private void endAt(Instant expiry) {
    long in = Math.max(1, Duration.between(Instant.now(), expiry).toMillis());
    tokenExpiry = vertx.setTimer(in, t -> end(HttpErrors.body(ErrorCode.ACCESS_REFUSED.error("token expired"))));
  }

  /** The broker ended the subscription (the queue was deleted): say why and end the stream. */
  private void end(JsonObject why) {
    if (closed) {
      return;
    }
    writeGathered();
    response.end(format.event("end", new JsonObject().put("end", why)));
    close("the broker ended the stream: " + why.getString("reason", why.getString("error", "")));
  }

  private void close(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    if (keepAlive >= 0) {
      vertx.cancelTimer(keepAlive);
    }
    if (tokenExpiry >= 0) {
      vertx.cancelTimer(tokenExpiry);
    }
    consumers.remove(id);
    if (connection != null) {
      connection.close(reason);
    }
  }
}
