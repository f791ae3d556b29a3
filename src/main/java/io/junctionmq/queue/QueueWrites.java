package io.junctionmq.queue;

import io.junctionmq.async.Hop;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.store.FencedException;
import io.junctionmq.store.MessageStore;
import io.junctionmq.store.StoredMessage;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one queue writes to its stores, and the confirms that wait for those writes. Durable
 * writes gather until the end of the event-loop turn and go out as one call each (appends,
 * then removals), so a burst of publishes or acks costs one store call, not one each. A
 * publish is confirmed when its append is stored, a settle when its removal is. Store
 * failures reach callers as QUEUE_UNAVAILABLE (the queue moved: retry on the new owner) or
 * STORE_UNAVAILABLE. Every method runs on the queue's context.
 */
final class QueueWrites {
  private static final Logger log = LoggerFactory.getLogger(QueueWrites.class);

  private final String name;
  private final long queueId;
  private final long epoch;
  private final boolean durable;
  private final MessageStore durableStore;
  private final MessageStore memoryStore;
  private final Context context;
  private final LongConsumer stored;
  private final Consumer<List<QueuedMessage>> storeFailed;
  /** The deduplication window: a durable message's id is stored with it; -1 for none. */
  private final long dedupWindow;

  private final List<QueuedMessage> pendingAppends = new ArrayList<>();
  private final List<Promise<Void>> pendingConfirms = new ArrayList<>();
  private final List<Long> durableRemovals = new ArrayList<>();
  /** Acks and nacks waiting for the removal of what they settled. */
  private final List<Promise<Void>> removalConfirms = new ArrayList<>();
  private final List<Long> memoryRemovals = new ArrayList<>();
  private boolean flushScheduled;
  private boolean closed;
  /** The latest write sent to the durable store; the store carries out writes in order. */
  private Future<Void> lastWrite = Future.succeededFuture();

  /**
   * Writes for queue {@code queueId} under lease {@code epoch}. When an append is stored,
   * {@code stored} hears the last seq it held; when it failed, {@code storeFailed} hears its
   * messages (neither once the queue closed). With a {@code dedupWindow} (ms, else -1), each
   * durable message's deduplication id is stored with it, for that long.
   */
  QueueWrites(String name, long queueId, long epoch, boolean durable, MessageStore durableStore,
              MessageStore memoryStore, Context context, LongConsumer stored,
              Consumer<List<QueuedMessage>> storeFailed, long dedupWindow) {
    this.name = name;
    this.queueId = queueId;
    this.epoch = epoch;
    this.durable = durable;
    this.durableStore = durableStore;
    this.memoryStore = memoryStore;
    this.context = context;
    this.stored = stored;
    this.storeFailed = storeFailed;
    this.dedupWindow = dedupWindow;
  }

  /** Stores a new message and completes {@code confirm} when it is stored. */
  void append(QueuedMessage m, Promise<Void> confirm) {
    if (!m.durable) {
      memoryStore.append(queueId, epoch, List.of(new StoredMessage(m.seq, m.message, m.expiresAt)));
      confirm.complete();
      return;
    }
    pendingAppends.add(m);
    pendingConfirms.add(confirm);
    scheduleFlush();
  }

  /** Removes a settled, expired or dead-lettered message; see {@link #flushRemovals()}. */
  void remove(QueuedMessage m) {
    (m.durable ? durableRemovals : memoryRemovals).add(m.seq);
  }

  /** Removes {@code m} once {@code first} completed, either way (a dead letter's republish). */
  void removeAfter(Future<?> first, QueuedMessage m) {
    onQueue(first, ar -> {
      if (!closed) {
        remove(m);
        flushRemovals();
      }
    });
  }

  /** Completes {@code confirm} once the durable removals gathered so far are written. */
  void confirmAfterRemovals(Promise<Void> confirm) {
    removalConfirms.add(confirm);
  }

  /** Removes from memory now, and from the durable store at the end of the turn. */
  void flushRemovals() {
    if (!durableRemovals.isEmpty()) {
      scheduleFlush();
    }
    if (!memoryRemovals.isEmpty()) {
      long[] seqs = memoryRemovals.stream().mapToLong(Long::longValue).toArray();
      memoryRemovals.clear();
      memoryStore.remove(queueId, epoch, seqs);
    }
  }

  /**
   * Saves {@code upTo} as the delivered-up-to ahead of the deliveries it allows
   * ({@link QueueState#reserveAhead}); completes on the queue's context once it is stored. The
   * store carries out writes in order, so a later save always wins.
   */
  Future<Void> saveDeliveredUpTo(long upTo) {
    if (!durable) {
      return Future.succeededFuture();
    }
    Future<Void> save = durableStore.saveDeliveredUpTo(queueId, epoch, upTo);
    lastWrite = save;
    return Hop.toContext(context, save);
  }

  /** Removes every stored message up to the purge's seq but the unacked ones. */
  void purge(Effect.PurgeStore p) {
    if (durable) {
      durableStore.purge(queueId, epoch, p.upToSeq(), p.keep()).onFailure(err -> {
        if (!closed) {
          log.warn("queue {}: purge failed: {}", name, err.getMessage());
        }
      });
    }
    memoryStore.purge(queueId, epoch, p.upToSeq(), p.keep());
  }

  /** Forgets the deleted queue in both stores. */
  Future<Void> drop() {
    Future<Void> dropped = durable ? durableStore.drop(queueId) : Future.succeededFuture();
    return dropped.compose(v -> memoryStore.drop(queueId));
  }

  /** Sends what this turn gathered now; completes when every write sent so far is done. */
  Future<Void> flushAll() {
    flush();
    return lastWrite;
  }

  /** The queue is deleted or handed over: what is stored from now on no longer reaches its state. */
  void close() {
    closed = true;
  }

  /** The queue stopped here: settles whose removal never went out fail; the next owner delivers them again. */
  void stop() {
    closed = true;
    removalConfirms.forEach(p -> p.tryFail(ErrorCode.queueUnavailable(name, "stopped here")));
    removalConfirms.clear();
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> flush());
    }
  }

  private void flush() {
    flushScheduled = false;
    if (!pendingAppends.isEmpty()) {
      var appended = new ArrayList<>(pendingAppends);
      var confirms = new ArrayList<>(pendingConfirms);
      pendingAppends.clear();
      pendingConfirms.clear();
      var messages = new ArrayList<StoredMessage>(appended.size());
      String[] ids = dedupWindow > 0 ? new String[appended.size()] : null;
      for (QueuedMessage m : appended) {
        if (ids != null) {
          ids[messages.size()] = Deduplication.idOf(m.message);
        }
        messages.add(new StoredMessage(m.seq, m.message, m.expiresAt));
      }
      Future<Void> append = ids == null ? durableStore.append(queueId, epoch, messages)
          : durableStore.append(queueId, epoch, messages, ids, System.currentTimeMillis() + dedupWindow);
      lastWrite = append;
      onQueue(append, ar -> appendDone(appended, confirms, ar));
    }
    if (!durableRemovals.isEmpty()) {
      long[] seqs = durableRemovals.stream().mapToLong(Long::longValue).toArray();
      var confirms = new ArrayList<>(removalConfirms);
      durableRemovals.clear();
      removalConfirms.clear();
      Future<Void> remove = durableStore.remove(queueId, epoch, seqs);
      lastWrite = remove;
      onQueue(remove, ar -> {
        if (ar.failed() && !closed && !(ar.cause() instanceof FencedException)) {
          // Debug: the store's write pipeline logs its failures once for the node (store.write.failed).
          log.debug("queue {}: removing {} settled messages failed: {}", name, seqs.length, ar.cause().getMessage());
        }
        JunctionException error = ar.failed() ? settleError(ar.cause()) : null;
        confirms.forEach(p -> {
          if (error == null) {
            p.complete();
          } else {
            p.fail(error);
          }
        });
      });
    }
  }

  private void appendDone(List<QueuedMessage> appended, List<Promise<Void>> confirms, AsyncResult<Void> ar) {
    if (ar.succeeded()) {
      if (!closed) {
        stored.accept(appended.get(appended.size() - 1).seq);
      }
      confirms.forEach(Promise::complete);
      return;
    }
    // Handed over or stopped meanwhile (closed), or not: a fenced append stored nothing, and
    // its publisher hears QUEUE_UNAVAILABLE, which the broker retries on the new owner.
    if (!closed) {
      storeFailed.accept(appended);
    }
    // Only a message handed out before the fence may reach a consumer twice (ErrorCode.queueMovedAfterTaking).
    JunctionException error = storeError(ar.cause());
    JunctionException notHandedOut = ar.cause() instanceof FencedException
        ? ErrorCode.queueUnavailable(name, "is changing owner") : error;
    for (int i = 0; i < appended.size(); i++) {
      confirms.get(i).fail(appended.get(i).deliveryCount > 0 ? error : notHandedOut);
    }
  }

  private <T> void onQueue(Future<T> future, Handler<AsyncResult<T>> handler) {
    Hop.toContext(context, future).onComplete(handler);
  }

  private JunctionException settleError(Throwable cause) {
    if (cause instanceof FencedException) {
      return ErrorCode.queueUnavailable(name, "moved to another node; the message comes again");
    }
    return cause instanceof JunctionException j ? j
        : ErrorCode.storeUnavailable();
  }

  /** What a publisher whose append failed with {@code cause} hears. */
  private JunctionException storeError(Throwable cause) {
    if (cause instanceof FencedException) {
      return ErrorCode.queueMoved(name);
    }
    if (cause instanceof JunctionException j) {
      return j;
    }
    // Debug: the store's write pipeline logs its failures once for the node (store.write.failed).
    log.debug("queue {}: storing a message failed: {}", name, cause.toString());
    return ErrorCode.storeUnavailable();
  }
}
