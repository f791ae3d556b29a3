package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.broker.Consumer;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.AckMode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/queues/{vhost}/{name}/get}, RabbitMQ's pull, built on a short-lived consumer
 * (client-individual acks, prefetch = {@code count}): it collects deliveries until {@code count}
 * arrived, or the queue has no ready message left, or {@link #WAIT_MILLIS} passed; then settles
 * them as {@code ackmode} says and cancels. With {@code ack_requeue_true} and
 * {@code reject_requeue_true} the messages go back to the queue (flagged redelivered) before the
 * answer is sent.
 */
final class PullGet {
  static final long WAIT_MILLIS = 500;
  private static final long POLL_MILLIS = 5;
  private static final int MAX_COUNT = 10_000;

  private final Vertx vertx;
  private final Broker broker;

  PullGet(Vertx vertx, Broker broker) {
    this.vertx = vertx;
    this.broker = broker;
  }

  void mount(ApiRouter api) {
    api.post("/queues/:vhost/:name/get", this::get);
  }

  private void get(RoutingContext ctx) {
    JsonObject body = Rest.bodyObject(ctx);
    int count = count(body.getValue("count"));
    String ackmode = Rest.string(body, "ackmode", null);
    if (ackmode == null || !List.of("ack_requeue_true", "ack_requeue_false", "reject_requeue_true",
        "reject_requeue_false").contains(ackmode)) {
      throw ErrorCode.INVALID_ARGUMENT.error("'ackmode' must be ack_requeue_true, ack_requeue_false,"
          + " reject_requeue_true or reject_requeue_false, got " + ackmode);
    }
    String encoding = Rest.string(body, "encoding", "auto");
    if (!encoding.equals("auto") && !encoding.equals("base64")) {
      throw ErrorCode.INVALID_ARGUMENT.error("'encoding' must be auto or base64, got '" + encoding + "'");
    }
    Object t = body.getValue("truncate");
    int truncate = t == null ? -1 : count(t, "truncate", 0, Integer.MAX_VALUE);
    Rest.replyJson(ctx, get(Rest.vhost(ctx), ctx.pathParam("name"), count, ackmode, encoding, truncate), a -> a);
  }

  private Future<JsonArray> get(String vhost, String queue, int count, String ackmode, String encoding, int truncate) {
    var got = new ArrayList<Delivery>(Math.min(count, 1000));
    var options = ConsumeOptions.of(count, AckMode.CLIENT_INDIVIDUAL);
    return broker.consume(vhost, queue, options, d -> {
      if (got.size() < count) {
        got.add(d);
      }
    }).compose(consumer -> {
      Promise<Long> collected = Promise.promise();
      await(vhost, queue, count, got, System.nanoTime() + WAIT_MILLIS * 1_000_000, collected);
      return collected.future().compose(ready -> {
        var taken = List.copyOf(got);
        return settle(consumer, taken, ackmode)
            .eventually(consumer::cancel)
            .map(v -> json(taken, ready, encoding, truncate));
      });
    });
  }

  /** Completes {@code done} with the queue's ready count once there is nothing more to wait for. */
  private void await(String vhost, String queue, int count, List<Delivery> got, long deadline, Promise<Long> done) {
    broker.queueInfo(vhost, queue).onComplete(ar -> {
      long ready = ar.succeeded() ? ar.result().stats().messagesReady() : 0;
      if (got.size() >= count || ready == 0 || ar.failed() || System.nanoTime() > deadline) {
        // Deliveries dispatched before these counts were published are queued on this context: let them in.
        vertx.getOrCreateContext().runOnContext(v -> done.tryComplete(ready));
      } else {
        vertx.setTimer(POLL_MILLIS, id -> await(vhost, queue, count, got, deadline, done));
      }
    });
  }

  private static Future<Void> settle(Consumer consumer, List<Delivery> taken, String ackmode) {
    var settled = new ArrayList<Future<Void>>();
    for (Delivery d : taken) {
      switch (ackmode) {
        case "ack_requeue_false" -> settled.add(consumer.ack(d.deliveryTag(), false));
        case "reject_requeue_false" -> settled.add(consumer.nack(d.deliveryTag(), false, false));
        default -> {
          // requeued by the cancel that follows
        }
      }
    }
    return Future.all(settled).mapEmpty();
  }

  private static JsonArray json(List<Delivery> taken, long ready, String encoding, int truncate) {
    var out = new JsonArray();
    for (int i = 0; i < taken.size(); i++) {
      Delivery d = taken.get(i);
      out.add(MessageJson.message(d.message(), d.redelivered(), encoding, truncate)
          .put("message_count", ready + taken.size() - 1 - i));
    }
    return out;
  }

  private static int count(Object v) {
    return v == null ? 1 : count(v, "count", 1, MAX_COUNT);
  }

  private static int count(Object v, String field, int min, int max) {
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.longValue() >= min
        && n.longValue() <= max) {
      return n.intValue();
    }
    throw ErrorCode.INVALID_ARGUMENT.error("'" + field + "' must be an integer from " + min + " to " + max
        + ", got " + v);
  }
}
