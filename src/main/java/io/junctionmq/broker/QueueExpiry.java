package io.junctionmq.broker;

import io.junctionmq.cluster.QueueEntry;
import io.junctionmq.model.QueueArguments;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * {@code x-expires}: a queue unused for that long is deleted, as in RabbitMQ. Unused means
 * no consumers and not redeclared; each use restarts the count, and so does a restart of
 * the node. One timer per such queue this node owns; when it fires with consumers attached,
 * nothing happens (the last consumer leaving starts the count again).
 */
final class QueueExpiry {
  private final Vertx vertx;
  private final Consumer<QueueEntry> expire;
  private final Map<Long, Long> timers = new ConcurrentHashMap<>();

  /** {@code expire} deletes a queue whose time is up. */
  QueueExpiry(Vertx vertx, Consumer<QueueEntry> expire) {
    this.vertx = vertx;
    this.expire = expire;
  }

  /** The queue was used now (owned here, redeclared, or its last consumer left). */
  void used(QueueEntry q) {
    Long expiresMs = QueueArguments.parse(q.queue().arguments()).expires();
    if (expiresMs == null || expiresMs <= 0) {
      return;
    }
    long timer = vertx.setTimer(expiresMs, id -> {
      if (timers.remove(q.id(), id) && q.stats().consumers() == 0) {
        expire.accept(q);
      }
    });
    Long previous = timers.put(q.id(), timer);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }

  /** The queue is gone from this node. */
  void forget(QueueEntry q) {
    Long timer = timers.remove(q.id());
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  void stop() {
    timers.values().forEach(vertx::cancelTimer);
    timers.clear();
  }
}
