package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.GetResult;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/queues/{vhost}/{name}/get}, RabbitMQ's pull, made of {@link Broker#get}s:
 * it takes up to {@code count} messages, one after another, or until the queue has none
 * ready, answers at once, and settles them as {@code ackmode} says before the answer is sent.
 * With {@code ack_requeue_true} and {@code reject_requeue_true} the messages go back to their
 * places in the queue, flagged redelivered. Each message's {@code message_count} is the count
 * of ready messages left when it was taken, as in RabbitMQ.
 */
final class PullGet {
  private static final int MAX_COUNT = 10_000;

  void mount(ApiRouter api) {
    api.on(io.vertx.core.http.HttpMethod.POST, "/queues/:vhost/:name/get", HttpAuth.Need.LOGIN, this::get);
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
    Rest.replyJson(ctx, get(HttpAuth.broker(ctx), Rest.vhost(ctx), ctx.pathParam("name"), count, ackmode, encoding,
        truncate), a -> a);
  }

  private static Future<JsonArray> get(Broker broker, String vhost, String queue, int count, String ackmode,
                                       String encoding, int truncate) {
    var taken = new ArrayList<GetResult>(Math.min(count, 1000));
    Promise<Void> done = Promise.promise();
    take(broker, vhost, queue, count, taken, done);
    return done.future()
        .transform(ar -> settle(taken, ar.succeeded() ? ackmode : "reject_requeue_true")
            .compose(v -> ar.succeeded() ? Future.succeededFuture(json(taken, encoding, truncate))
                : Future.failedFuture(ar.cause())));
  }

  /**
   * Takes messages one after another, each held until {@link #settle}, so that the next get
   * takes the next message: up to {@code count}, or until the queue has none ready.
   */
  private static void take(Broker broker, String vhost, String queue, int count, List<GetResult> taken,
                           Promise<Void> done) {
    broker.get(vhost, queue, false).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
      } else if (ar.result().isEmpty()) {
        done.complete();
      } else {
        taken.add(ar.result());
        if (taken.size() == count) {
          done.complete();
        } else {
          take(broker, vhost, queue, count, taken, done);
        }
      }
    });
  }

  /** Settles what was taken as {@code ackmode} says: acked, or returned to the queue, or rejected. */
  private static Future<Void> settle(List<GetResult> taken, String ackmode) {
    var settled = new ArrayList<Future<Void>>(taken.size());
    for (GetResult g : taken) {
      settled.add(switch (ackmode) {
        case "ack_requeue_false" -> g.ack();
        case "reject_requeue_false" -> g.nack(false);
        default -> g.nack(true);
      });
    }
    return Future.all(settled).mapEmpty();
  }

  private static JsonArray json(List<GetResult> taken, String encoding, int truncate) {
    var out = new JsonArray();
    for (GetResult g : taken) {
      Delivery d = g.delivery();
      out.add(MessageJson.message(d.message(), d.redelivered(), encoding, truncate)
          .put("message_count", g.messageCount()));
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
