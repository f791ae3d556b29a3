package io.junctionmq.queue;

import io.junctionmq.async.Hop;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.QueueStats;
import io.junctionmq.store.FencedException;
import io.junctionmq.store.MessageStore;
import io.junctionmq.store.QueueStoreStats;
import io.junctionmq.store.StoredMessage;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner of one queue: hosts its {@link QueueState} on one event loop and carries out the
 * effects — stores, deliveries, page-ins. Its public methods may be called from any thread;
 * they hop onto the queue's context and complete their futures on the caller's context.
 */
public final class QueueVerticle extends VerticleBase implements QueueLink {
  private static final Logger log = LoggerFactory.getLogger(QueueVerticle.class);

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

  private QueueState state;
  private final Map<String, ConsumerRef> consumers = new HashMap<>();
  private final Map<ConsumerRef, List<Delivery>> outbox = new HashMap<>();
  private final List<QueuedMessage> pendingAppends = new ArrayList<>();
  private final List<Promise<Void>> pendingConfirms = new ArrayList<>();
  private final List<Long> durableRemovals = new ArrayList<>();
  /** Acks and nacks waiting for the removal of what they settled. */
  private final List<Promise<Void>> removalConfirms = new ArrayList<>();
  private boolean writesScheduled;
  private final List<Long> memoryRemovals = new ArrayList<>();
  private long markedUpTo;
  private boolean markInFlight;
  private boolean closed;
  private LeaseClock leaseClock = new LeaseClock(Long.MAX_VALUE / 4);
  private MessageLatency latency = MessageLatency.NONE;
  private final DeliverySampler sampler = new DeliverySampler();
  private boolean heldForLease;
  private boolean assumeDelivered;
  /** The latest write sent to the durable store; the store carries out writes in order. */
  private Future<Void> lastWrite = Future.succeededFuture();

  private volatile QueueStats stats = QueueStats.EMPTY;
  private long published;
  private long delivered;
  private long acknowledged;
  private long redelivered;
  private long deadLettered;

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
    Future<QueueStoreStats> recovered = durable ? durableStore.stats(queueId) : Future.succeededFuture(QueueStoreStats.EMPTY);
    return recovered.map(s -> {
      // After a crash the delivery mark may lag what was delivered: count every message as
      // possibly delivered, so that a second delivery is always flagged redelivered.
      long deliveredUpTo = assumeDelivered ? s.maxSeq() : s.deliveredUpTo();
      state = new QueueState(limits, policy, System::currentTimeMillis, durable, s.maxSeq() + 1, s.messages(),
          s.bytes(), deliveredUpTo);
      markedUpTo = s.deliveredUpTo();
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
    // Settlements whose removal never went out: not done; the next owner delivers them again.
    removalConfirms.forEach(p -> p.tryFail(ErrorCode.QUEUE_UNAVAILABLE.error("queue '" + name + "' stopped here")));
    removalConfirms.clear();
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

  /**
   * The queue's previous owner did not stop cleanly (it crashed, or its lease was taken):
   * every recovered message counts as possibly delivered. Set before deployment.
   */
  public QueueVerticle assumeDelivered() {
    this.assumeDelivered = true;
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
    return call(promise -> {
      List<Effect> effects = state.enqueue(message);
      if (effects.get(0) instanceof Effect.Persist persist) {
        published++;
        if (sampler.samples(persist.message().seq)) {
          sampler.enqueued(persist.message().seq, System.nanoTime());
        }
        persistThen(persist.message(), promise);
      } else {
        promise.fail(ErrorCode.QUEUE_FULL.error("queue '" + name + "' is full (x-overflow "
            + policy.overflow().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")"));
      }
      carryOut(effects.subList(1, effects.size()));
    });
  }

  /** Adds a consumer whose deliveries go to {@code sink} on {@code consumerContext}. */
  public Future<Void> consume(String consumerTag, int prefetch, AckMode mode, Context consumerContext,
                              DeliverySink sink) {
    return command(() -> {
      var ref = new ConsumerRef(consumerTag, mode, consumerContext, sink);
      List<Effect> effects = state.consume(consumerTag, prefetch, mode);
      consumers.put(consumerTag, ref);
      return effects;
    });
  }

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
      List<Effect> effects = state.ack(consumerTag, deliveryTag, multiple);
      for (Effect e : effects) {
        if (e instanceof Effect.Remove) {
          acknowledged++;
        }
      }
      return effects;
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
      List<Effect> effects = state.purge();
      long count = 0;
      for (Effect e : effects) {
        if (e instanceof Effect.PurgeStore p) {
          count = p.count();
        }
      }
      carryOut(effects);
      promise.complete(count);
    });
  }

  /**
   * Ends the queue: cancels every consumer with {@code reason} and forgets the stored
   * messages; completes with the number of messages it held.
   */
  public Future<Long> delete(String reason) {
    return call(promise -> {
      long count = state.messagesReady() + state.messagesUnacknowledged();
      closed = true;
      for (ConsumerRef c : consumers.values()) {
        c.context.runOnContext(v -> c.sink.cancelled(reason));
      }
      consumers.clear();
      Future<Void> dropped = durable ? durableStore.drop(queueId) : Future.succeededFuture();
      dropped.compose(v -> memoryStore.drop(queueId)).onComplete(ar -> promise.complete(count));
    });
  }

  /**
   * Prepares a hand-over to another node: delivers nothing more, waits (up to {@code
   * timeoutMs}) for the consumers to settle what they hold, and completes when every write
   * (stored messages, settled ones) is in the store, so the next owner finds what this one
   * saw.
   */
  public Future<Void> drain(long timeoutMs) {
    Promise<Void> drained = Promise.promise();
    context.runOnContext(v -> {
      state.hold();
      awaitSettled(System.currentTimeMillis() + timeoutMs, timeoutMs, drained);
    });
    return drained.future();
  }

  private void awaitSettled(long deadline, long timeoutMs, Promise<Void> drained) {
    if (state.messagesUnacknowledged() > 0 && System.currentTimeMillis() < deadline && !closed) {
      vertx.setTimer(20, t -> awaitSettled(deadline, timeoutMs, drained));
      return;
    }
    markDelivered();
    flushWrites();
    lastWrite.onComplete(ar -> drained.tryComplete());
    vertx.setTimer(timeoutMs, t -> drained.tryComplete());
  }

  // ---- inside, on the queue's context ----

  /** Runs {@code body} on the queue's context; the stats are current when the reply arrives. */
  private <T> Future<T> call(Handler<Promise<T>> body) {
    Context caller = Vertx.currentContext();
    Promise<T> reply = Promise.promise();
    context.runOnContext(v -> {
      if (closed) {
        reply.fail(ErrorCode.QUEUE_UNAVAILABLE.error("queue '" + name + "' is closed"));
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

  private Future<Void> settle(Supplier<List<Effect>> body) {
    return call(promise -> {
      List<Effect> effects = body.get();
      boolean removesStored = effects.stream().anyMatch(e -> e instanceof Effect.Remove r && r.message().durable);
      if (removesStored) {
        // The removal goes out with this turn's writes (flushWrites), which answer it.
        removalConfirms.add(promise);
      }
      carryOut(effects);
      if (!removesStored) {
        promise.complete();
      }
    });
  }

  private Future<Void> command(Supplier<List<Effect>> body) {
    return call(promise -> {
      carryOut(body.get());
      promise.complete();
    });
  }

  /**
   * Stores a new message and completes {@code promise} when it is stored. Durable writes
   * gather until the end of this event-loop turn and go to the store as one call, so a
   * burst of publishes costs one store call, not one each.
   */
  private void persistThen(QueuedMessage m, Promise<Void> promise) {
    if (!m.durable) {
      memoryStore.append(queueId, epoch, List.of(new StoredMessage(m.seq, m.message, m.expiresAt)));
      promise.complete();
      return;
    }
    pendingAppends.add(m);
    pendingConfirms.add(promise);
    scheduleWrites();
  }

  private void scheduleWrites() {
    if (!writesScheduled) {
      writesScheduled = true;
      context.runOnContext(v -> flushWrites());
    }
  }

  private void flushWrites() {
    writesScheduled = false;
    if (!pendingAppends.isEmpty()) {
      var appended = new ArrayList<>(pendingAppends);
      var confirms = new ArrayList<>(pendingConfirms);
      pendingAppends.clear();
      pendingConfirms.clear();
      var stored = new ArrayList<StoredMessage>(appended.size());
      for (QueuedMessage m : appended) {
        stored.add(new StoredMessage(m.seq, m.message, m.expiresAt));
      }
      Future<Void> append = durableStore.append(queueId, epoch, stored);
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
    if (closed) {
      // Handed over or stopped meanwhile: a fenced append stored nothing, and its publisher
      // hears QUEUE_UNAVAILABLE, which the broker retries on the new owner.
      JunctionException error = ar.failed() ? storeError(ar.cause()) : null;
      confirms.forEach(p -> p.handle(error == null ? ar : Future.failedFuture(error)));
      return;
    }
    if (ar.succeeded()) {
      carryOut(state.stored(appended.get(appended.size() - 1).seq));
      confirms.forEach(Promise::complete);
    } else {
      JunctionException error = storeError(ar.cause());
      for (QueuedMessage m : appended) {
        carryOut(state.storeFailed(m));
      }
      confirms.forEach(p -> p.fail(error));
    }
    publishStats();
  }

  private void carryOut(List<Effect> effects) {
    for (Effect e : effects) {
      if (e instanceof Effect.Deliver d) {
        deliver(d);
      } else if (e instanceof Effect.Remove r) {
        (r.message().durable ? durableRemovals : memoryRemovals).add(r.message().seq);
      } else if (e instanceof Effect.DeadLetter d) {
        deadLetter(d);
      } else if (e instanceof Effect.PageIn p) {
        pageIn(p);
      } else if (e instanceof Effect.PurgeStore p) {
        purgeStores(p);
      } else if (e instanceof Effect.Persist || e instanceof Effect.Rejected) {
        throw new IllegalStateException("a " + e.getClass().getSimpleName() + " effect is carried out by enqueue");
      } else if (e instanceof Effect.LastConsumerGone) {
        onLastConsumerGone.run();
      }
    }
    flushRemovals();
    flushDeliveries();
    markDelivered();
    scheduleExpiry();
  }

  /**
   * Republishes a dead letter, then removes it from its store: a crash in between leaves it
   * in this queue too (at least once, never lost). A dead letter that cannot be routed or
   * stored is dropped, as in RabbitMQ.
   */
  private void deadLetter(Effect.DeadLetter d) {
    QueuedMessage m = d.message();
    deadLettered++;
    Message letter = DeadLetters.of(m.message, name, policy, d.reason());
    onQueue(deadLetters.publish(letter), ar -> {
      if (ar.failed()) {
        log.debug("queue {}: a dead letter was dropped: {}", name, ar.cause().getMessage());
      }
      if (d.stored() && !closed) {
        (m.durable ? durableRemovals : memoryRemovals).add(m.seq);
        flushRemovals();
      }
    });
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
    ConsumerRef c = consumers.get(d.consumerId());
    QueuedMessage m = d.message();
    delivered++;
    if (m.redelivered()) {
      redelivered++;
    } else if (m.deliveryCount == 1 && sampler.size() > 0) {
      long took = sampler.delivered(m.seq, System.nanoTime());
      if (took >= 0) {
        latency.delivered(took);
      }
    }
    var delivery = new Delivery(d.consumerId(), d.deliveryTag(), m.redelivered(), m.deliveryCount, name, m.message);
    outbox.computeIfAbsent(c, k -> new ArrayList<>()).add(delivery);
  }

  private void flushDeliveries() {
    if (outbox.isEmpty() || heldForLease) {
      return;
    }
    if (!leaseClock.valid()) {
      // This node may have been paused past its lease: deliver nothing until a renewal says
      // the queue is still ours (if it is not, the queue is closed and the outbox dropped).
      heldForLease = true;
      leaseClock.whenRenewed(() -> context.runOnContext(v -> {
        heldForLease = false;
        if (!closed) {
          flushDeliveries();
        }
      }));
      return;
    }
    // Counts first, so that whoever gets a delivery sees it counted as unacknowledged.
    publishStats();
    for (var entry : outbox.entrySet()) {
      ConsumerRef c = entry.getKey();
      List<Delivery> batch = entry.getValue();
      c.context.runOnContext(v -> c.sink.deliver(batch));
    }
    outbox.clear();
  }

  private void flushRemovals() {
    if (!durableRemovals.isEmpty()) {
      scheduleWrites();
    }
    if (!memoryRemovals.isEmpty()) {
      long[] seqs = memoryRemovals.stream().mapToLong(Long::longValue).toArray();
      memoryRemovals.clear();
      memoryStore.remove(queueId, epoch, seqs);
    }
  }

  /** Writes the delivery watermark so that a restart flags what may have been delivered. */
  private void markDelivered() {
    long upTo = state.deliveredUpTo();
    if (!durable || markInFlight || upTo <= markedUpTo) {
      return;
    }
    markInFlight = true;
    Future<Void> mark = durableStore.markDelivered(queueId, epoch, upTo);
    lastWrite = mark;
    onQueue(mark, ar -> {
      markInFlight = false;
      if (ar.succeeded()) {
        markedUpTo = upTo;
        markDelivered();
      }
    });
  }

  private void purgeStores(Effect.PurgeStore p) {
    if (durable) {
      durableStore.purge(queueId, epoch, p.upToSeq(), p.keep()).onFailure(err -> {
        if (!closed) {
          log.warn("queue {}: purge failed: {}", name, err.getMessage());
        }
      });
    }
    memoryStore.purge(queueId, epoch, p.upToSeq(), p.keep());
  }

  private void pageIn(Effect.PageIn p) {
    Future<List<StoredMessage>> fromDisk = durable
        ? durableStore.read(queueId, p.afterSeq(), p.upToSeq(), p.limit())
        : Future.succeededFuture(List.of());
    Future<List<StoredMessage>> fromMemory = memoryStore.read(queueId, p.afterSeq(), p.upToSeq(), p.limit());
    onQueue(Future.all(fromDisk, fromMemory), ar -> {
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
      List<QueuedMessage> page = merge(fromDisk.result(), fromMemory.result(), p.limit());
      boolean complete = page.size() < p.limit();
      carryOut(state.pagedIn(p.generation(), page, p.upToSeq(), complete));
      publishStats();
    });
  }

  private List<QueuedMessage> merge(List<StoredMessage> disk, List<StoredMessage> memory, int limit) {
    var page = new ArrayList<QueuedMessage>(Math.min(limit, disk.size() + memory.size()));
    int i = 0;
    int j = 0;
    while (page.size() < limit && (i < disk.size() || j < memory.size())) {
      boolean takeDisk = j >= memory.size() || i < disk.size() && disk.get(i).seq() < memory.get(j).seq();
      StoredMessage s = takeDisk ? disk.get(i++) : memory.get(j++);
      page.add(state.recovered(s.seq(), s.message(), takeDisk, s.expiresAt()));
    }
    return page;
  }

  private <T> void onQueue(Future<T> future, Handler<AsyncResult<T>> handler) {
    Hop.toContext(context, future).onComplete(handler);
  }

  private void publishStats() {
    stats = new QueueStats(state.messagesReady(), state.messagesUnacknowledged(), state.messageBytesReady(),
        state.consumerCount(), published, delivered, acknowledged, redelivered, deadLettered, state.windowMessages(),
        state.windowBytes());
  }

  private JunctionException settleError(Throwable cause) {
    if (cause instanceof FencedException) {
      return ErrorCode.QUEUE_UNAVAILABLE.error("queue '" + name + "' moved to another node; the message comes again");
    }
    return cause instanceof JunctionException j ? j
        : ErrorCode.STORE_UNAVAILABLE.error("the message store is unavailable");
  }

  private JunctionException storeError(Throwable cause) {
    if (cause instanceof FencedException) {
      return ErrorCode.QUEUE_UNAVAILABLE.error("queue '" + name + "' moved to another node");
    }
    if (cause instanceof JunctionException j) {
      return j;
    }
    // Debug: the store's write pipeline logs its failures once for the node (store.write.failed).
    log.debug("queue {}: storing a message failed: {}", name, cause.toString());
    return ErrorCode.STORE_UNAVAILABLE.error("the message store is unavailable");
  }

  private record ConsumerRef(String tag, AckMode mode, Context context, DeliverySink sink) {
  }
}
