package io.junctionmq.queue;

import io.junctionmq.store.MessageStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The store side of a deduplicating queue's window: loads the ids the previous owner stored,
 * and forgets expired ones now and then, in memory and, in bounded batches, in the store. On
 * the queue's context.
 */
final class DeduplicationSweep {
  static final long SWEEP_MS = 60_000;
  static final int SWEEP_LIMIT = 10_000;

  private final Vertx vertx;
  private final Deduplication dedup;
  private final long queueId;
  private final MessageStore store;
  private long timer = -1;
  private boolean stopped;

  /** {@code store} is the durable store, or null for a non-durable queue: its window dies with it. */
  DeduplicationSweep(Vertx vertx, Deduplication dedup, long queueId, MessageStore store) {
    this.vertx = vertx;
    this.dedup = dedup;
    this.queueId = queueId;
    this.store = store;
  }

  /** Loads the window from the store and starts sweeping; completes once loaded. */
  Future<Void> start(long now) {
    Future<Void> loaded = store == null ? Future.succeededFuture()
        : store.rememberedIds(queueId, now).map(ids -> {
          dedup.load(ids);
          return null;
        });
    return loaded.onSuccess(v -> {
      if (!stopped) {
        timer = vertx.setPeriodic(SWEEP_MS, t -> sweep());
      }
    });
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  void sweep() {
    long now = dedup.expire();
    if (store != null && !stopped) {
      store.forgetExpiredIds(queueId, now, SWEEP_LIMIT).onComplete(ar -> {
        if (ar.succeeded() && ar.result() == SWEEP_LIMIT) {
          sweep();
        }
      });
    }
  }
}
