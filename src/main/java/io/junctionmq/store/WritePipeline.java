package io.junctionmq.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.internal.VertxInternal;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: calls made while a batch is in flight gather in a queue and go out
 * together, as the next batch, the moment the pipeline may send one, so a lone call waits
 * for no timer. The batching runs on a context of its own; callers on any thread only
 * enqueue.
 *
 * <p>Up to {@link PgMessageStore.Options#maxInFlight()} (2) batches are in flight, from
 * {@link #take(boolean)} until their calls are completed, so that one batch's inserts
 * overlap the other's commit. A batch starts beside another only if both are appends alone
 * and the other has sent its COMMIT: inserts of distinct messages and the fence's share
 * locks do not conflict, while a remove, purge, delivered-up-to or drop could miss a row that an
 * uncommitted batch inserts, so these wait until nothing is in flight. Calls complete in
 * the order they were made: a batch that commits first waits for the one ahead of it.
 *
 * <p>It is where store write failures are logged, once for the node rather than once per
 * queue or message: the first failed batch at once, then one line per
 * {@link #FAILURE_LOG_INTERVAL_NANOS} counting the batches that failed meanwhile, and one
 * when writes succeed again. Calls refused because too many wait are counted the same way.
 */
final class WritePipeline {
  private static final Logger log = LoggerFactory.getLogger(WritePipeline.class);
  static final long FAILURE_LOG_INTERVAL_NANOS = 10_000_000_000L;
  /**
   * How long batches may follow each other in overlap before the pipeline lets them drain.
   * A lease renewal, a takeover or a queue deletion waits for every batch holding the queue's
   * lease row FOR SHARE, and PostgreSQL lets a new share lock jump such a waiter: batches in
   * overlap could hold the row without a break for as long as the load lasts. When none is
   * in flight the waiter gets the row, before the next batch's fence arrives.
   */
  static final long MAX_OVERLAP_NANOS = 200_000_000L;

  /** A write with its caller, to be completed on the caller's context. */
  record Call(Write write, Context caller, Promise<Object> promise) {
  }

  /** A batch from {@link #take(boolean)} until its calls are completed; on the pipeline's context. */
  private static final class InFlight {
    final WriteBatch batch;
    final boolean appendsOnly;
    boolean committing;
    boolean done;

    InFlight(WriteBatch batch, boolean appendsOnly) {
      this.batch = batch;
      this.appendsOnly = appendsOnly;
    }
  }

  private final Pool pool;
  private final String nodeId;
  private final PgMessageStore.Options options;
  private final StoreObserver observer;
  private final Context context;
  private final Queue<Call> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong settledUnwritten = new AtomicLong();
  private final Promise<Void> closed = Promise.promise();
  private volatile boolean closing;
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong refusedLoggedAt = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS);
  private volatile int mostInFlight;
  // Touched only on the pipeline's context.
  private final Deque<InFlight> inFlight = new ArrayDeque<>();
  private int running;
  private long busySince;
  private long failingSince = -1;
  private long failureLoggedAt;
  private long failedBatches;
  private long failedSinceLogged;

  WritePipeline(Vertx vertx, Pool pool, String nodeId, PgMessageStore.Options options, StoreObserver observer) {
    this.pool = pool;
    this.nodeId = nodeId;
    this.options = options;
    this.observer = observer;
    // Its own event-loop context, so that batching never runs on (and never waits for)
    // a queue's context.
    this.context = ((VertxInternal) vertx).createEventLoopContext();
  }

  /** Enqueues a write; the future completes on the caller's context when its batch commits. */
  Future<Object> submit(Write write) {
    if (closing) {
      return Future.failedFuture(new StoreException("store closed"));
    }
    if (queued.incrementAndGet() > options.maxQueuedCalls()) {
      queued.decrementAndGet();
      logRefused();
      return Future.failedFuture(new StoreException("store overloaded"));
    }
    Call call = new Call(write, context.owner().getOrCreateContext(), Promise.promise());
    queue.add(call);
    schedule();
    return call.promise().future();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        scheduled.set(false);
        flush();
      });
    }
  }

  // On the pipeline's context.
  private void flush() {
    while (inFlight.size() < options.maxInFlight()) {
      boolean beside = !inFlight.isEmpty();
      if (beside && !mayStartBeside()) {
        break;
      }
      List<Call> batch = take(beside);
      if (batch.isEmpty()) {
        break;
      }
      send(batch, beside);
    }
    if (inFlight.isEmpty() && closing) {
      closed.tryComplete();
    }
  }

  /** Whether every batch in flight is appends alone and past its writes, and overlap may go on. */
  private boolean mayStartBeside() {
    if (System.nanoTime() - busySince >= MAX_OVERLAP_NANOS) {
      return false;
    }
    for (InFlight other : inFlight) {
      if (!other.appendsOnly || !(other.committing || other.done)) {
        return false;
      }
    }
    return true;
  }

  // On the pipeline's context.
  private void send(List<Call> batch, boolean beside) {
    long sent = System.nanoTime();
    if (!beside) {
      busySince = sent;
    }
    long rows = 0;
    boolean appendsOnly = true;
    for (Call call : batch) {
      rows += call.write().rows();
      appendsOnly &= call.write() instanceof Write.Append;
    }
    var entry = new InFlight(new WriteBatch(context.owner(), pool, nodeId, options.batchTimeout(), batch,
        settledUnwritten), appendsOnly);
    inFlight.addLast(entry);
    mostInFlight = Math.max(mostInFlight, ++running);
    batches.incrementAndGet();
    long batchRows = rows;
    entry.batch.committing().onSuccess(v -> context.runOnContext(x -> {
      entry.committing = true;
      flush();
    }));
    entry.batch.execute().onComplete(ar -> context.runOnContext(v -> {
      observer.batch(batchRows, System.nanoTime() - sent, ar.result() == null);
      running--;
      entry.done = true;
      outcome(ar.result(), batch.size());
      // In order: a batch done before the one ahead of it waits for it.
      while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
        inFlight.pollFirst().batch.release();
      }
      flush();
    }));
  }

  // On the pipeline's context.
  private void outcome(Throwable failure, int calls) {
    long now = System.nanoTime();
    if (failure == null) {
      if (failingSince >= 0) {
        log.atInfo().addKeyValue("event", "store.write.recovered").addKeyValue("failed_batches", failedBatches)
            .addKeyValue("down_ms", (now - failingSince) / 1_000_000)
            .log("store writes succeed again after {} failed batches", failedBatches);
        failingSince = -1;
        failedBatches = 0;
        failedSinceLogged = 0;
      }
      return;
    }
    failedBatches++;
    failedSinceLogged++;
    if (failingSince >= 0 && now - failureLoggedAt < FAILURE_LOG_INTERVAL_NANOS) {
      return;
    }
    if (failingSince < 0) {
      failingSince = now;
    }
    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
    var event = log.atWarn().addKeyValue("event", "store.write.failed").addKeyValue("calls", calls)
        .addKeyValue("failed_batches", failedSinceLogged).addKeyValue("error", String.valueOf(cause.getMessage()));
    if (cause instanceof DatabaseException db) {
      event = event.addKeyValue("sqlstate", db.getSqlState());
    }
    if (unexpected(cause)) {
      event = event.setCause(cause);
    }
    event.log("store write failed: {}", failure.getMessage());
    failureLoggedAt = now;
    failedSinceLogged = 0;
  }

  /** A failure that is no bug of ours (the database refused, the connection failed or timed out) needs no stack trace. */
  private static boolean unexpected(Throwable cause) {
    return cause instanceof RuntimeException && !(cause instanceof DatabaseException)
        && !(cause instanceof VertxException) && !(cause instanceof StoreException);
  }

  private void logRefused() {
    refused.incrementAndGet();
    long now = System.nanoTime();
    long last = refusedLoggedAt.get();
    if (now - last >= FAILURE_LOG_INTERVAL_NANOS && refusedLoggedAt.compareAndSet(last, now)) {
      long count = refused.getAndSet(0);
      log.atWarn().addKeyValue("event", "store.write.refused").addKeyValue("refused", count)
          .addKeyValue("max_pending", options.maxQueuedCalls())
          .log("store overloaded: writes refused while {} calls wait", options.maxQueuedCalls());
    }
  }

  /**
   * The next batch: the calls at the head of the queue, up to the batch limits and a drop.
   * With {@code appendsOnly}, none unless that batch would be appends alone (so that a
   * message's remove, waiting behind, still goes out with its append and cancels it).
   */
  private List<Call> take(boolean appendsOnly) {
    int count = 0;
    long rows = 0;
    long bytes = 0;
    // Only this context takes calls out, so the head seen here is the head polled below.
    for (Call next : queue) {
      Write w = next.write();
      boolean full = rows + w.rows() > options.maxBatchRows() || bytes + w.bytes() > options.maxBatchBytes();
      if (full && count > 0) {
        break;
      }
      if (appendsOnly && !(w instanceof Write.Append)) {
        return List.of();
      }
      count++;
      rows += w.rows();
      bytes += w.bytes();
      if (w instanceof Write.Drop) {
        break;
      }
    }
    List<Call> batch = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      batch.add(queue.poll());
    }
    queued.addAndGet(-count);
    return batch;
  }

  /** Completes when every call made before it has completed; later calls fail. */
  Future<Void> close() {
    closing = true;
    Context caller = context.owner().getOrCreateContext();
    Promise<Void> result = Promise.promise();
    closed.future().onComplete(ar -> caller.runOnContext(v -> result.handle(ar)));
    context.runOnContext(v -> flush());
    return result.future();
  }

  /** How many messages were appended and removed in one batch, so never written (for tests and metrics). */
  long settledUnwritten() {
    return settledUnwritten.get();
  }

  /** How many batches have been sent (for tests and metrics). */
  long batches() {
    return batches.get();
  }

  /** The most batches whose transactions were in flight at once (for tests). */
  int mostInFlight() {
    return mostInFlight;
  }
}
