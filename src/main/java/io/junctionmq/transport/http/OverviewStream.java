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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /api/overview/stream}: the overview's counts and message rates as Server-Sent
 * Events, one a second. One timer serves every subscriber: a tick computes the event once per
 * {@link OverviewTotals.Scope} (what a user sees: everything, or its vhosts), encodes it once
 * and writes the same buffer to every open stream of that scope, and the timer runs only
 * while someone listens. A subscriber whose response cannot take more misses ticks rather than
 * buffering them. A new subscriber gets its scope's last event at once.
 */
final class OverviewStream {
  static final long TICK_MILLIS = 1000;

  private record Subscriber(HttpServerResponse response, Context context, OverviewTotals.Scope scope) {
  }

  private final Vertx vertx;
  private final Broker broker;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final Map<OverviewTotals.Scope, TickRates> rates = new HashMap<>();
  private final Map<OverviewTotals.Scope, Buffer> latest = new HashMap<>();
  private long timer = -1;
  private long ticks;

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
    var subscriber = new Subscriber(response, vertx.getOrCreateContext(), OverviewTotals.Scope.of(ctx, broker));
    response.closeHandler(v -> leave(subscriber));
    response.exceptionHandler(e -> leave(subscriber));
    response.write("retry: 2000\n\n");
    Buffer last;
    synchronized (this) {
      subscribers.add(subscriber);
      last = latest.get(subscriber.scope());
      if (timer < 0) {
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
      if (subscribers.remove(subscriber) && subscribers.stream().noneMatch(s -> s.scope().equals(subscriber.scope()))) {
        rates.remove(subscriber.scope());
        latest.remove(subscriber.scope());
      }
      if (subscribers.isEmpty() && timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
        latest.clear();
        rates.clear();
      }
    }
  }

  /** Runs on the timer's context: per scope, one snapshot of its queues and one encoded event. */
  private void tick() {
    if (subscribers.isEmpty()) {
      return;
    }
    var events = new HashMap<OverviewTotals.Scope, Buffer>();
    long id = ++ticks;
    for (Subscriber s : subscribers) {
      Buffer buffer = events.computeIfAbsent(s.scope(), scope -> event(scope, id));
      if (s.context() == Vertx.currentContext()) {
        send(s, buffer);
      } else {
        s.context().runOnContext(v -> send(s, buffer));
      }
    }
  }

  private Buffer event(OverviewTotals.Scope scope, long id) {
    var stats = new HashMap<Long, QueueStats>();
    var totals = OverviewTotals.of(broker, scope, (QueueInfo q) -> stats.put(q.id(), q.stats()));
    double[] perSecond;
    synchronized (this) {
      perSecond = rates.computeIfAbsent(scope, k -> new TickRates()).next(System.nanoTime(), stats);
    }
    var event = new JsonObject()
        .put("node", broker.nodeId())
        .put("timestamp", System.currentTimeMillis())
        .put("object_totals", totals.objectTotals())
        .put("queue_totals", totals.queueTotals())
        .put("message_stats", totals.messageStats(perSecond))
        .put("stream_subscribers", subscribers.size());
    Buffer buffer = Buffer.buffer("id: " + id + "\ndata: " + event.encode() + "\n\n");
    synchronized (this) {
      latest.put(scope, buffer);
    }
    return buffer;
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
