package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.QueueInfo;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.QueueStats;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /api/overview/stream}: the overview's counts and message rates as Server-Sent
 * Events, one a second. One timer serves every subscriber: a tick computes the event once,
 * encodes it once and writes the same buffer to every open stream, and the timer runs only
 * while someone listens. A subscriber whose response cannot take more misses ticks rather than
 * buffering them. A new subscriber gets the last event at once.
 */
final class OverviewStream {
  static final long TICK_MILLIS = 1000;

  private record Subscriber(HttpServerResponse response, Context context) {
  }

  private final Vertx vertx;
  private final Broker broker;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private TickRates rates;
  private long timer = -1;
  private long ticks;
  private Buffer latest;

  OverviewStream(Vertx vertx, Broker broker) {
    this.vertx = vertx;
    this.broker = broker;
  }

  void mount(ApiRouter api) {
    api.get("/overview/stream", this::subscribe);
  }

  private void subscribe(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    if (accept != null && !accepts(accept)) {
      throw ErrorCode.NOT_ACCEPTABLE.error("the overview stream is text/event-stream, not " + accept);
    }
    HttpServerResponse response = ctx.response().setChunked(true).setStatusCode(200)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    var subscriber = new Subscriber(response, vertx.getOrCreateContext());
    response.closeHandler(v -> leave(subscriber));
    response.exceptionHandler(e -> leave(subscriber));
    response.write("retry: 2000\n\n");
    Buffer last;
    synchronized (this) {
      subscribers.add(subscriber);
      last = latest;
      if (timer < 0) {
        rates = new TickRates();
        timer = vertx.setPeriodic(TICK_MILLIS, id -> tick());
        last = null;
        vertx.runOnContext(v -> tick());
      }
    }
    if (last != null) {
      response.write(last);
    }
  }

  private void leave(Subscriber subscriber) {
    synchronized (this) {
      if (subscribers.remove(subscriber) && subscribers.isEmpty() && timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
        latest = null;
      }
    }
  }

  /** Runs on the timer's context: one snapshot of every queue, one encoded event for everyone. */
  private void tick() {
    if (subscribers.isEmpty()) {
      return;
    }
    var stats = new HashMap<Long, QueueStats>();
    var totals = OverviewTotals.of(broker, (QueueInfo q) -> stats.put(q.id(), q.stats()));
    double[] perSecond;
    synchronized (this) {
      perSecond = rates.next(System.nanoTime(), stats);
    }
    var event = new JsonObject()
        .put("node", broker.nodeId())
        .put("timestamp", System.currentTimeMillis())
        .put("object_totals", totals.objectTotals())
        .put("queue_totals", totals.queueTotals())
        .put("message_stats", totals.messageStats(perSecond))
        .put("stream_subscribers", subscribers.size());
    Buffer buffer = Buffer.buffer("id: " + ++ticks + "\ndata: " + event.encode() + "\n\n");
    synchronized (this) {
      latest = buffer;
    }
    for (Subscriber s : subscribers) {
      if (s.context() == Vertx.currentContext()) {
        send(s, buffer);
      } else {
        s.context().runOnContext(v -> send(s, buffer));
      }
    }
  }

  private static void send(Subscriber s, Buffer event) {
    if (!s.response().closed() && !s.response().writeQueueFull()) {
      s.response().write(event);
    }
  }

  private static boolean accepts(String accept) {
    String a = accept.toLowerCase(Locale.ROOT);
    return a.isBlank() || a.contains("text/event-stream") || a.contains("*/*") || a.contains("text/*");
  }
}
