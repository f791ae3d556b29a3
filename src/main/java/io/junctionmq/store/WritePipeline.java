package io.junctionmq.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.internal.VertxInternal;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: one transaction in flight at a time for the whole node. Calls made while it
 * is in flight gather in a queue and go out together, as the next batch, the moment it
 * completes, so a lone call waits for no timer. The batching runs on a context of its own;
 * callers on any thread only enqueue.
 *
 * <p>It is where store write failures are logged, once for the node rather than once per
 * queue or message: the first failed batch at once, then one line per
 * {@link #FAILURE_LOG_INTERVAL_NANOS} counting the batches that failed meanwhile, and one
 * when writes succeed again. Calls refused because too many wait are counted the same way.
 */
final class WritePipeline {
  private static final Logger log = LoggerFactory.getLogger(WritePipeline.class);
  static final long FAILURE_LOG_INTERVAL_NANOS = 10_000_000_000L;

  /** A write with its caller, to be completed on the caller's context. */
  record Call(Write write, Context caller, Promise<Object> promise) {
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
  // Touched only on the pipeline's context.
  private boolean inFlight;
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
    if (inFlight) {
      return;
    }
    List<Call> batch = take();
    if (batch.isEmpty()) {
      if (closing) {
        closed.tryComplete();
      }
      return;
    }
    inFlight = true;
    batches.incrementAndGet();
    long rows = 0;
    for (Call call : batch) {
      rows += call.write().rows();
    }
    long sent = System.nanoTime();
    long batchRows = rows;
    new WriteBatch(context.owner(), pool, nodeId, options.batchTimeout(), batch, settledUnwritten).execute()
        .onComplete(ar -> context.runOnContext(v -> {
          observer.batch(batchRows, System.nanoTime() - sent, ar.result() == null);
          inFlight = false;
          outcome(ar.result(), batch.size());
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

  private List<Call> take() {
    List<Call> batch = new ArrayList<>();
    long rows = 0;
    long bytes = 0;
    Call next;
    while ((next = queue.peek()) != null) {
      Write w = next.write();
      boolean full = rows + w.rows() > options.maxBatchRows() || bytes + w.bytes() > options.maxBatchBytes();
      if (full && !batch.isEmpty()) {
        break;
      }
      queue.poll();
      queued.decrementAndGet();
      batch.add(next);
      rows += w.rows();
      bytes += w.bytes();
      if (w instanceof Write.Drop) {
        break;
      }
    }
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
}
