package io.junctionmq.queue;

import io.junctionmq.async.Hop;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Got;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.QueueStats;
import io.junctionmq.store.MessageStore;
import io.junctionmq.store.QueueStoreStats;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner of one queue: hosts its {@link QueueState} on one event loop and carries out the
 * effects — deliveries, page-ins, dead letters, expiry — with {@link QueueWrites} doing the
 * store writes. Its public methods may be called from any thread; they hop onto the queue's
 * context and complete their futures on the caller's context.
 */
public final class QueueVerticle extends VerticleBase implements QueueLink {
  private static final Logger log = LoggerFactory.getLogger(QueueVerticle.class);
  /**
   * How far ahead of the deliveries a durable queue saves its delivered-up-to: after a crash,
   * at most this many messages that were never delivered come back flagged redelivered; one
   * write per half of it delivered.
   */
  static final int RESERVE_STEP = 1024;
  private static final long RESERVE_RETRY_MS = 500;
  /** How long a hand-over waits for its last writes (the exact delivered-up-to): a loaded store is slow. */
  private static final long FLUSH_WAIT_MS = 10_000;

  private final String name;
  private final long queueId;
  private final long epoch;
  private final boolean durable;
  private final QueueLimits limits;
  private final QueuePolicy policy;
  private final MessageStore durableStore;
  private final MessageStore memoryStore;
  private final DeadLetterSink deadLetters;
  private final Runnable onLastConsumerGone;
  private long expiryTimer = -1;
  private long expiryAt = QueuePolicy.NEVER;
  private Deduplication dedup;
  private DeduplicationSweep dedupSweep;

  private LeaseClock leaseClock = new LeaseClock(Long.MAX_VALUE / 4);
  private MessageLatency latency = MessageLatency.NONE;
  private boolean reserving;

  private QueueState state;
  private QueueWrites writes;
  private QueueCounters counters;
  private Outbox outbox;
  private QueueGets gets;
  private TailReader tail;
  private final Map<String, Outbox.Recipient> consumers = new HashMap<>();
  private boolean closed;
  private volatile QueueStats stats = QueueStats.EMPTY;

  public QueueVerticle(String name, long queueId, long epoch, boolean durable, QueueLimits limits,
                       QueuePolicy policy, MessageStore durableStore, MessageStore memoryStore,
                       DeadLetterSink deadLetters, Runnable onLastConsumerGone) {
    this.name = name;
    this.queueId = queueId;
    this.epoch = epoch;
    this.durable = durable;
    this.limits = limits;
    this.policy = policy;
    this.durableStore = durableStore;
    this.memoryStore = memoryStore;
    this.deadLetters = deadLetters;
    this.onLastConsumerGone = onLastConsumerGone;
  }

  @Override
  public Future<?> start() {
    writes = new QueueWrites(name, queueId, epoch, durable, durableStore, memoryStore, context,
        this::stored, this::storeFailed, policy.deduplicationWindow());
    counters = new QueueCounters(latency);
    // Counts first, so that whoever gets a delivery sees it counted as unacknowledged.
    outbox = new Outbox(context, leaseClock, () -> closed, this::publishStats);
    gets = new QueueGets(vertx, name, counters, outbox, (holderTag, mode) -> {
      Result<GetReply> r = state.get(holderTag, mode);
      carryOut(r);
      return r.reply();
    });
    tail = new TailReader(queueId, durable, durableStore, memoryStore, context);
    Future<QueueStoreStats> recovered = durable ? durableStore.stats(queueId) : Future.succeededFuture(QueueStoreStats.EMPTY);
    if (policy.deduplicates()) {
      dedup = new Deduplication(policy.deduplicationWindow(), System::currentTimeMillis);
      dedupSweep = new DeduplicationSweep(vertx, dedup, queueId, durable ? durableStore : null);
      recovered = recovered.compose(s -> dedupSweep.start(System.currentTimeMillis()).map(s));
    }
    return recovered.map(s -> {
      // Nothing was delivered beyond the saved delivered-up-to, however the last owner ended.
      state = new QueueState(limits, policy, System::currentTimeMillis, durable, s.maxSeq() + 1, s.messages(),
          s.bytes(), s.deliveredUpTo());
      if (durable) {
        state.reserveAhead(RESERVE_STEP, s.deliveredUpTo());
      }
      if (s.messages() > 0) {
        log.info("queue {} recovered {} messages", name, s.messages());
      }
      carryOut(state.stored(s.maxSeq()));
      publishStats();
      return null;
    });
  }

  @Override
  public Future<?> stop() {
    closed = true;
    vertx.cancelTimer(expiryTimer);
    if (dedupSweep != null) {
      dedupSweep.stop();
    }
    writes.stop();
    gets.failAll(ErrorCode.queueUnavailable(name, "stopped here"));
    return Future.succeededFuture();
  }

  /** The node's lease clock; deliveries wait while it has run out. Set before deployment. */
  public QueueVerticle leaseClock(LeaseClock clock) {
    this.leaseClock = clock;
    return this;
  }

  /** Where sampled delivery latencies go (metrics). Set before deployment. */
  public QueueVerticle latency(MessageLatency latency) {
    this.latency = latency;
    return this;
  }

  public String name() {
    return name;
  }

  public long queueId() {
    return queueId;
  }

  /** Counts as of the last command the queue processed; cheap, from any thread. */
  public QueueStats stats() {
    return stats;
  }

  // ---- commands, from any thread ----

  /**
   * Enqueues a message; completes when its store holds it (committed, for a durable one).
   * Fails QUEUE_FULL when a length limit with {@code x-overflow} reject-publish refuses it.
   */
  public Future<Void> enqueue(Message message) {
    return enqueue(message, false);
  }

  public Future<Void> enqueueAgain(Message message) {
    return enqueue(message, true);
  }

  private Future<Void> enqueue(Message message, boolean again) {
    return call(promise -> {
      if (dedup != null && dedup.duplicate(message)) {
        // Confirmed, as RabbitMQ's dedup plugin does: what the publisher wanted stored is.
        dedup.original(message).onSuccess(v -> counters.deduplicated()).onComplete(promise);
        return;
      }
      Result<Enqueued> r = state.enqueue(message, again);
      if (r.reply() instanceof QueuedMessage m) {
        if (dedup != null) {
          dedup.accept(message, promise.future());
        }
        counters.published(m);
        writes.append(m, promise);
      } else {
        promise.fail(ErrorCode.queueFull(name, policy.overflow().name().toLowerCase(Locale.ROOT).replace('_', '-')));
      }
      carryOut(r);
    });
  }

  /** Adds a consumer whose deliveries go to {@code sink} on {@code consumerContext}. */
  public Future<Void> consume(String consumerTag, int prefetch, AckMode mode, Context consumerContext,
                              DeliverySink sink) {
    return command(() -> {
      Result<Void> r = state.consume(consumerTag, prefetch, mode);
      consumers.put(consumerTag, new Outbox.Recipient(consumerContext, sink));
      return r;
    });
  }

  /** Removes a consumer, or the holder of gets named {@code consumerTag}; its unacked messages go back. */
  public Future<Void> cancel(String consumerTag) {
    return command(() -> {
      consumers.remove(consumerTag);
      return state.cancel(consumerTag);
    });
  }

  /**
   * Settles deliveries; completes once what they removed is removed from the store (an ack
   * confirmed is never undone by a crash or a takeover), fails QUEUE_UNAVAILABLE when the
   * queue moved meanwhile (its message comes again from the new owner).
   */
  public Future<Void> ack(String consumerTag, long deliveryTag, boolean multiple) {
    return settle(() -> {
      Result<Integer> r = state.ack(consumerTag, deliveryTag, multiple);
      counters.acknowledged(r.reply());
      return r;
    });
  }

  /** As {@link #ack}; a nack with requeue removes nothing and completes at once. */
  public Future<Void> nack(String consumerTag, long deliveryTag, boolean multiple, boolean requeue) {
    return settle(() -> state.nack(consumerTag, deliveryTag, multiple, requeue));
  }

  /** An AUTO consumer processed {@code count} deliveries; no reply. */
  public void credit(String consumerTag, int count) {
    context.runOnContext(v -> {
      if (!closed) {
        carryOut(state.credit(consumerTag, count));
        publishStats();
      }
    });
  }

  /** Removes every ready message; completes with how many. */
  public Future<Long> purge() {
    return call(promise -> {
      Result<Long> r = state.purge();
      carryOut(r);
      promise.complete(r.reply());
    });
  }

  /**
   * Takes the message at the head of the queue (AMQP's basic.get). Completes with it, or with
   * an empty {@link Got} when no message is ready. With {@link AckMode#AUTO} it is settled at
   * once; otherwise {@code holderTag} holds it until an {@link #ack}, {@link #nack} or
   * {@link #cancel} of that tag (a holder is no consumer: it is not counted and never pushed
   * to). When the ready messages are all paged out it waits for the page-in, and fails
   * STORE_UNAVAILABLE if that takes longer than {@link QueueGets#PAGE_IN_WAIT_MS}. Fails
   * PRECONDITION_FAILED when {@code holderTag} is a consumer's, or holds gets of another ack mode.
   */
  @Override
  public Future<Got> get(String holderTag, AckMode mode) {
    return call(promise -> gets.add(holderTag, mode, promise));
  }

  /**
   * Ends the queue: cancels every consumer with {@code reason} and forgets the stored
   * messages; completes with the number of messages it held.
   */
  public Future<Long> delete(String reason) {
    return call(promise -> {
      long count = state.messagesReady() + state.messagesUnacknowledged();
      closed = true;
      if (dedupSweep != null) {
        dedupSweep.stop();
      }
      writes.close();
      gets.failAll(ErrorCode.queueUnavailable(name, "was deleted"));
      for (Outbox.Recipient c : consumers.values()) {
        c.context().runOnContext(v -> c.sink().cancelled(reason));
      }
      consumers.clear();
      writes.drop().onComplete(ar -> promise.complete(count));
    });
  }

  /**
   * Prepares a hand-over to another node, or a clean stop: delivers nothing more, waits (up
   * to {@code ackWaitMs}) for the consumers to settle what they hold, writes the exact
   * delivered-up-to, and completes when every write (stored messages, settled ones) is in
   * the store, or after {@link #FLUSH_WAIT_MS}, so the next owner finds what this one saw.
   */
  public Future<Void> drain(long ackWaitMs) {
    Promise<Void> drained = Promise.promise();
    context.runOnContext(v -> {
      state.hold();
      gets.answerAll();
      awaitSettled(System.currentTimeMillis() + ackWaitMs, drained);
    });
    return drained.future();
  }

  private void awaitSettled(long deadline, Promise<Void> drained) {
    if (state.messagesUnacknowledged() > 0 && System.currentTimeMillis() < deadline && !closed) {
      vertx.setTimer(20, t -> awaitSettled(deadline, drained));
      return;
    }
    // Below the one saved ahead: the next owner flags no more than was delivered.
    writes.saveDeliveredUpTo(state.deliveredUpTo());
    writes.flushAll().onComplete(ar -> drained.tryComplete());
    vertx.setTimer(FLUSH_WAIT_MS, t -> drained.tryComplete());
  }

  // ---- inside, on the queue's context ----

  /** Runs {@code body} on the queue's context; the stats are current when the reply arrives. */
  private <T> Future<T> call(Handler<Promise<T>> body) {
    Context caller = Vertx.currentContext();
    Promise<T> reply = Promise.promise();
    context.runOnContext(v -> {
      if (closed) {
        reply.fail(ErrorCode.queueUnavailable(name, "is closed"));
        return;
      }
      Promise<T> onQueue = Promise.promise();
      onQueue.future().onComplete(ar -> {
        publishStats();
        reply.handle(ar);
      });
      try {
        body.handle(onQueue);
      } catch (JunctionException e) {
        onQueue.tryFail(e);
      }
    });
    return Hop.toContext(caller, reply.future());
  }

  private Future<Void> settle(Supplier<Result<Integer>> body) {
    return call(promise -> {
      Result<Integer> r = body.get();
      boolean removesStored = false;
      for (Effect e : r.effects()) {
        removesStored |= e instanceof Effect.Remove remove && remove.message().durable;
      }
      if (removesStored) {
        // The removal goes out with this turn's writes, which answer it.
        writes.confirmAfterRemovals(promise);
      }
      carryOut(r);
      if (!removesStored) {
        promise.complete();
      }
    });
  }

  private Future<Void> command(Supplier<Result<Void>> body) {
    return call(promise -> {
      carryOut(body.get());
      promise.complete();
    });
  }

  private void stored(long upToSeq) {
    carryOut(state.stored(upToSeq));
    publishStats();
  }

  private void storeFailed(List<QueuedMessage> messages) {
    for (QueuedMessage m : messages) {
      if (dedup != null) {
        dedup.forget(m.message);
      }
      carryOut(state.storeFailed(m));
    }
    publishStats();
  }

  private void carryOut(Result<?> result) {
    for (Effect e : result.effects()) {
      if (e instanceof Effect.Deliver d) {
        deliver(d);
      } else if (e instanceof Effect.Remove r) {
        writes.remove(r.message());
      } else if (e instanceof Effect.DeadLetter d) {
        deadLetter(d);
      } else if (e instanceof Effect.PageIn p) {
        pageIn(p);
      } else if (e instanceof Effect.PurgeStore p) {
        writes.purge(p);
      } else if (e instanceof Effect.LastConsumerGone) {
        onLastConsumerGone.run();
      }
    }
    writes.flushRemovals();
    outbox.flush();
    reserveDeliveries();
    scheduleExpiry();
    gets.answerAll();
  }

  /**
   * Saves the delivered-up-to that the state asks for ahead of its deliveries (one save at a
   * time), then lets them go on; a failed save is tried again after {@link #RESERVE_RETRY_MS}
   * — meanwhile the deliveries beyond the saved one wait, as a PostgreSQL outage makes them.
   */
  private void reserveDeliveries() {
    long wanted = state.reservationWanted();
    if (wanted == 0 || reserving || closed) {
      return;
    }
    reserving = true;
    writes.saveDeliveredUpTo(wanted).onComplete(ar -> {
      reserving = false;
      if (closed) {
        return;
      }
      if (ar.succeeded()) {
        carryOut(state.reserved(wanted));
      } else {
        log.debug("queue {}: saving the delivered-up-to failed: {}", name, ar.cause().getMessage());
        vertx.setTimer(RESERVE_RETRY_MS, t -> {
          if (!closed) {
            reserveDeliveries();
          }
        });
      }
    });
  }

  /**
   * Republishes a dead letter, then removes it from its store: a crash in between leaves it
   * in this queue too (at least once, never lost). A dead letter that cannot be routed or
   * stored is dropped, as in RabbitMQ.
   */
  private void deadLetter(Effect.DeadLetter d) {
    counters.deadLettered();
    Message letter = DeadLetters.of(d.message().message, name, policy, d.reason());
    Future<Void> published = deadLetters.publish(letter)
        .onFailure(e -> log.debug("queue {}: a dead letter was dropped: {}", name, e.getMessage()));
    if (d.stored()) {
      writes.removeAfter(published, d.message());
    }
  }

  /** Keeps one timer for the head's next expiry. */
  private void scheduleExpiry() {
    long next = state.nextExpiry();
    if (next == expiryAt || closed) {
      return;
    }
    vertx.cancelTimer(expiryTimer);
    expiryAt = next;
    if (next == QueuePolicy.NEVER) {
      expiryTimer = -1;
      return;
    }
    long delay = Math.max(1, next - System.currentTimeMillis() + 1);
    expiryTimer = vertx.setTimer(delay, t -> {
      expiryTimer = -1;
      expiryAt = QueuePolicy.NEVER;
      if (!closed) {
        carryOut(state.expire());
        publishStats();
      }
    });
  }

  private void deliver(Effect.Deliver d) {
    QueuedMessage m = d.message();
    counters.delivered(m);
    outbox.add(consumers.get(d.consumerTag()),
        new Delivery(d.consumerTag(), d.deliveryTag(), m.redelivered(), m.deliveryCount, name, m.message));
  }

  private void pageIn(Effect.PageIn p) {
    tail.read(p, state).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        log.atWarn().addKeyValue("event", "store.read.failed").addKeyValue("queue", name)
            .addKeyValue("queue_id", queueId).addKeyValue("error", ar.cause().getMessage())
            .log("queue {}: paging in failed, retrying in 1 s", name);
        vertx.setTimer(1000, t -> carryOut(state.pagedIn(p.generation(), List.of(), p.afterSeq(), false)));
        return;
      }
      List<QueuedMessage> page = ar.result();
      carryOut(state.pagedIn(p.generation(), page, p.upToSeq(), page.size() < p.limit()));
      publishStats();
    });
  }

  private void publishStats() {
    stats = counters.stats(state);
  }
}
