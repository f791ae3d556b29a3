package io.junctionmq.broker;

import io.junctionmq.cluster.QueueDirectory;
import io.junctionmq.cluster.QueueEntry;
import io.junctionmq.cluster.Vhost;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.queue.MessageLatency;
import io.junctionmq.routing.Route;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The way of a publish: route once against the vhost's topology, on the caller's thread, and
 * enqueue into every queue routed to, wherever it is owned; confirm when all of them hold the
 * message. A queue that is changing owner refuses with QUEUE_UNAVAILABLE having stored nothing,
 * and the enqueue is tried again on its owner of the moment.
 */
final class Publishing {
  /** How often a publish to a queue that is changing owner is retried, 100 ms apart and more. */
  private static final int ENQUEUE_RETRIES = 10;
  private static final PublishResult ONE_QUEUE = new PublishResult(1);

  private final Vertx vertx;
  private final QueueDirectory directory;
  private MessageLatency latency = MessageLatency.NONE;

  Publishing(Vertx vertx, QueueDirectory directory) {
    this.vertx = vertx;
    this.directory = directory;
  }

  /** Where sampled publish latencies go (metrics). Set before the broker starts. */
  void latency(MessageLatency latency) {
    this.latency = latency;
  }

  Future<PublishResult> publish(String vhost, Message message, boolean mandatory) {
    if (latency == MessageLatency.NONE || ThreadLocalRandom.current().nextInt(MessageLatency.SAMPLE_EVERY) != 0) {
      return route(vhost, message, mandatory);
    }
    long started = System.nanoTime();
    return route(vhost, message, mandatory).onSuccess(r -> {
      if (r.routed()) {
        latency.confirmed(System.nanoTime() - started);
      }
    });
  }

  private Future<PublishResult> route(String vhost, Message message, boolean mandatory) {
    Vhost h = directory.findVhost(vhost);
    if (h == null) {
      return Future.failedFuture(ErrorCode.noVhost(vhost));
    }
    Route route = h.topology().route(message.exchange(), message.routingKey(), message.properties().headers());
    if (!route.exchangeFound()) {
      return Future.failedFuture(ErrorCode.noExchange(vhost, message.exchange()));
    }
    if (route.internal()) {
      return Future.failedFuture(ErrorCode.ACCESS_REFUSED.error("exchange '" + message.exchange() + "' is internal"));
    }
    // One queue is the common case: no list of futures for it.
    Future<Void> first = null;
    List<Future<Void>> all = null;
    for (String name : route.queues()) {
      QueueEntry q = h.queue(name);
      if (q == null) {
        continue;
      }
      Future<Void> stored = enqueue(h, q, message, 0, false);
      if (first == null) {
        first = stored;
      } else {
        if (all == null) {
          all = new ArrayList<>(route.queues().size());
          all.add(first);
        }
        all.add(stored);
      }
    }
    if (first == null) {
      return mandatory
          ? Future.failedFuture(ErrorCode.NO_ROUTE.error("no queue is bound to exchange '" + message.exchange()
              + "' with routing key '" + message.routingKey() + "'"))
          : Future.succeededFuture(PublishResult.UNROUTED);
    }
    if (all == null) {
      return first.map(ONE_QUEUE);
    }
    return Future.all(all).map(new PublishResult(all.size()));
  }

  /**
   * Enqueues into {@code q}; when its owner refused or never got the message (QUEUE_UNAVAILABLE:
   * the queue is changing owner, nothing was stored), tries again on the queue's owner of the
   * moment, a bounded number of times. An owner that took the message before its write was
   * fenced may have handed it out, so from then on it goes in flagged redelivered.
   */
  private Future<Void> enqueue(Vhost h, QueueEntry q, Message message, int attempt, boolean again) {
    Future<Void> stored = again ? q.link().enqueueAgain(message) : q.link().enqueue(message);
    return stored.recover(e -> {
      if (attempt >= ENQUEUE_RETRIES || !(e instanceof JunctionException j && j.code() == ErrorCode.QUEUE_UNAVAILABLE)) {
        return Future.failedFuture(e);
      }
      boolean mayBeDelivered = again || ErrorCode.queueMovedAfterTaking(e);
      return vertx.timer(100L * (attempt + 1)).compose(t -> {
        QueueEntry now = h.queue(q.name());
        return now == null || now.id() != q.id() ? Future.succeededFuture()
            : enqueue(h, now, message, attempt + 1, mayBeDelivered);
      });
    });
  }
}
