package io.junctionmq.queue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One queue as a pure state machine, after RabbitMQ's rabbit_fifo: each command updates the
 * state and returns a {@link Result}, its reply and the effects its host must carry out
 * (deliver, remove, page in). No I/O, no threads; the host calls it from one thread.
 *
 * <p>The head of the queue, up to a window of messages and bytes, is in memory; the tail is
 * only in the stores and is paged in as consumers drain the window ({@link ReadyMessages}).
 *
 * <p>The queue's {@link QueuePolicy} adds RabbitMQ's {@code x-*} behaviours: expired messages
 * leave from the head (only the head is checked, as in RabbitMQ), a length limit drops the
 * head or refuses new messages, returned messages past the delivery limit and rejected ones
 * become dead letters, and a single-active-consumer queue serves its first consumer only.
 *
 * <p>A get takes the head for a caller that pulls; what it takes with a manual ack mode is
 * held by a <em>holder</em>, a pull-only consumer that is never pushed to nor counted.
 */
public final class QueueState {
  private final QueueLimits limits;
  private final QueuePolicy policy;
  private final LongSupplier clock;
  private final boolean durableQueue;
  private final long recoveredDeliveredUpTo;

  private long nextSeq;
  private final ReadyMessages ready;
  private long deliveredUpTo;

  private final ConsumerRing consumers;
  private long unackedCount;
  private long nextGetTag = 1;
  private boolean mayExpire;
  private boolean holding;
  // Deliveries stop before this seq until the host saved a higher delivered-up-to, in steps
  // of reserveStep (0: the host saves none ahead, nothing stops); see reserveAhead.
  private long reservedUpTo = Long.MAX_VALUE;
  private int reserveStep;
  // The last write of a durable message failed and none succeeded since (the store is down):
  // messages not yet stored are not delivered, as their writes are likely to fail too.
  private boolean storeFailing;

  private ArrayList<Effect> out = new ArrayList<>();

  /** A new, empty queue. */
  public QueueState(QueueLimits limits, boolean durableQueue) {
    this(limits, QueuePolicy.NONE, System::currentTimeMillis, durableQueue, 1, 0, 0, 0);
  }

  /** A new, empty queue with a policy; {@code clock} gives epoch millis. */
  public QueueState(QueueLimits limits, QueuePolicy policy, LongSupplier clock, boolean durableQueue) {
    this(limits, policy, clock, durableQueue, 1, 0, 0, 0);
  }

  /**
   * A queue recovered from its stores: {@code tailCount} messages with seqs below
   * {@code nextSeq} wait in the stores; those up to {@code deliveredUpTo} may have been
   * delivered before and come back redelivered.
   */
  public QueueState(QueueLimits limits, QueuePolicy policy, LongSupplier clock, boolean durableQueue,
                    long nextSeq, long tailCount, long tailBytes, long deliveredUpTo) {
    this.limits = limits;
    this.policy = policy;
    this.clock = clock;
    this.consumers = new ConsumerRing(policy.singleActiveConsumer());
    this.durableQueue = durableQueue;
    this.nextSeq = Math.max(nextSeq, deliveredUpTo + 1);
    this.ready = new ReadyMessages(limits, tailCount, tailBytes);
    this.recoveredDeliveredUpTo = deliveredUpTo;
    this.deliveredUpTo = deliveredUpTo;
  }

  /**
   * Makes this queue deliver (and hand to gets) only messages up to a delivered-up-to that its
   * host has saved: {@code saved} now, then what {@link #reservationWanted()} asks for, in
   * steps of {@code step} seqs, once the host reports it with {@link #reserved}. So whatever
   * was delivered is at or below the saved delivered-up-to, even after a crash, and a
   * recovery flags as redelivered only the messages that may have been delivered — at most
   * {@code step} more than were.
   */
  public void reserveAhead(int step, long saved) {
    this.reserveStep = step;
    this.reservedUpTo = saved;
  }

  /**
   * The delivered-up-to the host should save now, or 0: asked for half a step before the
   * deliveries reach the saved one (so that they seldom wait), or when they wait for it.
   */
  public long reservationWanted() {
    if (reserveStep == 0 || holding) {
      return 0;
    }
    long waiting = ready.hasHead() && ready.headSeq() > reservedUpTo ? ready.headSeq() : 0;
    if (waiting == 0 && deliveredUpTo + reserveStep / 2 <= reservedUpTo) {
      return 0;
    }
    return Math.max(deliveredUpTo, waiting) + reserveStep;
  }

  /** The host saved {@code upTo} as the delivered-up-to: deliveries may go up to it. */
  public Result<Void> reserved(long upTo) {
    reservedUpTo = Math.max(reservedUpTo, upTo);
    deliverAll();
    return done(null);
  }

  // ---- commands ----

  /**
   * A published message joins the tail of the queue. Replies with the message as queued,
   * which the host stores, or {@link Enqueued#REFUSED} when a length limit refuses it.
   */
  public Result<Enqueued> enqueue(Message message) {
    return enqueue(message, false);
  }

  /**
   * Like {@link #enqueue(Message)}; {@code again} says that the message may have been handed
   * out already (a publish retried after its former owner refused to store it), so it is
   * flagged redelivered.
   */
  public Result<Enqueued> enqueue(Message message, boolean again) {
    long expiresAt = policy.expiresAt(message, clock.getAsLong());
    var m = new QueuedMessage(nextSeq, message, durableQueue && message.persistent(), again ? 1 : 0, expiresAt);
    if (policy.overflow() != QueuePolicy.Overflow.DROP_HEAD
        && policy.overLength(messagesReady() + 1, ready.bodyBytes() + m.message.body().length)) {
      if (policy.overflow() == QueuePolicy.Overflow.REJECT_PUBLISH_DLX) {
        deadLetter(m, QueuePolicy.Reason.MAXLEN, false);
      }
      return done(Enqueued.REFUSED);
    }
    nextSeq++;
    mayExpire |= expiresAt != QueuePolicy.NEVER;
    ready.add(m);
    deliverAll();
    dropOverLength();
    return done(m);
  }

  /** The store holds every durable message up to {@code seq}; they may now be paged in. */
  public Result<Void> stored(long seq) {
    boolean wasFailing = storeFailing;
    storeFailing = false;
    ready.stored(seq);
    if (wasFailing) {
      deliverAll();
    } else {
      maybePageIn();
    }
    return done(null);
  }

  /** A durable message could not be stored: it leaves the queue (its publisher got an error). */
  public Result<Void> storeFailed(QueuedMessage failed) {
    storeFailing = true;
    ready.storeFailed(failed);
    return done(null);
  }

  /**
   * The result of a {@link Effect.PageIn}: the messages read, in seq order. {@code complete}
   * says whether the read returned fewer than asked, so nothing else is stored up to its
   * upper bound.
   */
  public Result<Void> pagedIn(long generation, List<QueuedMessage> page, long upToSeq, boolean complete) {
    ready.pagedIn(generation, page, upToSeq, complete, nextSeq - 1);
    deliverAll();
    dropOverLength();
    return done(null);
  }

  /** Turns a message read back from a store into one of this queue's messages. */
  public QueuedMessage recovered(long seq, Message message, boolean durable, long expiresAt) {
    mayExpire |= expiresAt != QueuePolicy.NEVER;
    return new QueuedMessage(seq, message, durable, seq <= recoveredDeliveredUpTo ? 1 : 0, expiresAt);
  }

  /** Time has passed: expired messages at the head leave (see {@link #nextExpiry()}). */
  public Result<Void> expire() {
    deliverAll();
    return done(null);
  }

  /** A consumer subscribes; prefetch 0 means the default. */
  public Result<Void> consume(String consumerTag, int prefetch, AckMode mode) {
    if (consumers.contains(consumerTag)) {
      throw ErrorCode.PRECONDITION_FAILED.error("consumer '" + consumerTag + "' exists already");
    }
    consumers.add(new QueueConsumer(consumerTag, limits.prefetch(prefetch), mode));
    deliverAll();
    return done(null);
  }

  /** A consumer or holder goes away; its unacked messages go back to their places in the queue. */
  public Result<Void> cancel(String consumerTag) {
    QueueConsumer c = consumers.remove(consumerTag);
    if (c == null) {
      return done(null);
    }
    for (QueuedMessage m : c.unacked.values()) {
      requeue(m);
    }
    unackedCount -= c.unacked.size();
    c.unacked.clear();
    if (!c.holder && consumers.size() == 0) {
      emit(new Effect.LastConsumerGone());
    }
    deliverAll();
    return done(null);
  }

  /**
   * Settles a delivery; with {@code multiple}, or for a CLIENT consumer, every earlier one too.
   * Replies with how many deliveries it settled.
   */
  public Result<Integer> ack(String consumerTag, long deliveryTag, boolean multiple) {
    List<QueuedMessage> settled = settle(consumerTag, deliveryTag, multiple);
    for (QueuedMessage m : settled) {
      emit(new Effect.Remove(m));
    }
    deliverAll();
    return done(settled.size());
  }

  /** Rejects deliveries as {@link #ack} selects them; requeued or removed. Replies with how many. */
  public Result<Integer> nack(String consumerTag, long deliveryTag, boolean multiple, boolean requeue) {
    List<QueuedMessage> settled = settle(consumerTag, deliveryTag, multiple);
    for (QueuedMessage m : settled) {
      if (requeue) {
        requeue(m);
      } else {
        discard(m, QueuePolicy.Reason.REJECTED);
      }
    }
    deliverAll();
    return done(settled.size());
  }

  /** An AUTO consumer has processed {@code count} deliveries and can take as many more. */
  public Result<Void> credit(String consumerTag, int count) {
    QueueConsumer c = consumers.get(consumerTag);
    if (c != null) {
      c.inFlight = Math.max(0, c.inFlight - count);
      deliverAll();
    }
    return done(null);
  }

  /**
   * Removes every ready message (in memory and in the tail), leaving unacked ones; replies
   * with how many it removed.
   */
  public Result<Long> purge() {
    long count = ready.purge(nextSeq - 1);
    long[] keep = consumers.all().stream()
        .flatMap(c -> c.unacked.values().stream()).mapToLong(m -> m.seq).sorted().toArray();
    emit(new Effect.PurgeStore(nextSeq - 1, keep));
    return done(count);
  }

  /**
   * Takes the message at the head of the queue for {@code holderTag} (AMQP's basic.get):
   * returned messages first, expired ones leave first, as for deliveries. With
   * {@link AckMode#AUTO} it is settled at once; otherwise the holder named {@code holderTag}
   * holds it until an {@link #ack}, {@link #nack} or {@link #cancel} of that tag. Replies
   * {@link GetReply#PAGING_IN} when every ready message is in the tail: the page-in is on its
   * way, ask again after it. Fails PRECONDITION_FAILED if {@code holderTag} is a consumer's,
   * or a holder's of another manual ack mode.
   */
  public Result<GetReply> get(String holderTag, AckMode mode) {
    QueueConsumer holder = consumers.get(holderTag);
    if (holder != null && (!holder.holder || mode != AckMode.AUTO && holder.mode != mode)) {
      throw ErrorCode.PRECONDITION_FAILED.error(holder.holder
          ? "'" + holderTag + "' holds gets with ack mode " + holder.mode.wireName()
          : "'" + holderTag + "' is a consumer's tag");
    }
    if (holding) {
      return done(new GetReply.Empty(messagesReady()));
    }
    expireHead();
    if (!ready.hasHead()) {
      maybePageIn();
      return done(ready.size() > 0 ? GetReply.PAGING_IN : new GetReply.Empty(0));
    }
    if (!deliverable()) {
      return done(GetReply.PAGING_IN);
    }
    QueuedMessage m = ready.poll();
    m.deliveryCount++;
    deliveredUpTo = Math.max(deliveredUpTo, m.seq);
    long tag = nextGetTag++;
    if (mode == AckMode.AUTO) {
      emit(new Effect.Remove(m));
    } else {
      if (holder == null) {
        holder = QueueConsumer.holder(holderTag, mode);
        consumers.add(holder);
      }
      holder.unacked.put(tag, m);
      unackedCount++;
    }
    expireHead();
    maybePageIn();
    return done(new GetReply.Taken(holderTag, tag, m, messagesReady()));
  }

  // ---- queries ----

  /** Delivers nothing more (the queue is being handed to another node); what is out stays out. */
  public void hold() {
    holding = true;
  }

  public long messagesReady() {
    return ready.size();
  }

  public long messagesUnacknowledged() {
    return unackedCount;
  }

  /** Body bytes of the ready messages, as RabbitMQ counts them for {@code x-max-length-bytes}. */
  public long messageBytesReady() {
    return ready.bodyBytes();
  }

  /** The tag of the single active consumer; null unless the queue has one. */
  public String singleActiveConsumer() {
    return consumers.active();
  }

  /** The consumers (holders of gets are none, as in RabbitMQ). */
  public int consumerCount() {
    return consumers.size();
  }

  /** The delivered-up-to: the largest seq ever delivered; every seq up to it may have been delivered. */
  public long deliveredUpTo() {
    return deliveredUpTo;
  }

  /** Ready messages held in memory (the window and requeued ones), bounded by {@code queue.window.messages}. */
  public long windowMessages() {
    return ready.inMemory();
  }

  /** The weight of {@link #windowMessages()}, bounded by {@code queue.window.bytes}. */
  public long windowBytes() {
    return ready.windowBytes();
  }

  /** How many messages are in memory: the window, requeued and unacked. */
  public long inMemory() {
    return ready.inMemory() + unackedCount;
  }

  public long nextSeq() {
    return nextSeq;
  }

  /**
   * When the head's first message expires (epoch millis), or {@link QueuePolicy#NEVER}; the
   * host calls {@link #expire()} then.
   */
  public long nextExpiry() {
    return mayExpire ? ready.nextExpiry() : QueuePolicy.NEVER;
  }

  // ---- inside ----

  /** A returned message goes back to its place, unless it has had its deliveries. */
  private void requeue(QueuedMessage m) {
    if (policy.deliveriesExhausted(m.deliveryCount)) {
      discard(m, QueuePolicy.Reason.DELIVERY_LIMIT);
      return;
    }
    ready.giveBack(m);
  }

  /** A message that left the queue's window is a dead letter, or just removed without a DLX. */
  private void discard(QueuedMessage m, QueuePolicy.Reason reason) {
    if (policy.deadLetterExchange() != null) {
      deadLetter(m, reason, true);
    } else {
      emit(new Effect.Remove(m));
    }
  }

  private void deadLetter(QueuedMessage m, QueuePolicy.Reason reason, boolean stored) {
    emit(new Effect.DeadLetter(m, reason, stored));
  }

  /** Drops expired messages at the head of the window. */
  private void expireHead() {
    if (!mayExpire) {
      return;
    }
    long now = clock.getAsLong();
    for (QueuedMessage m = ready.pollExpired(now); m != null; m = ready.pollExpired(now)) {
      discard(m, QueuePolicy.Reason.EXPIRED);
    }
  }

  /** With {@code x-overflow} drop-head, drops the oldest ready messages while over a length limit. */
  private void dropOverLength() {
    if (policy.overflow() != QueuePolicy.Overflow.DROP_HEAD) {
      return;
    }
    while (ready.hasHead() && policy.overLength(messagesReady(), messageBytesReady())) {
      discard(ready.poll(), QueuePolicy.Reason.MAXLEN);
    }
    maybePageIn();
  }

  private List<QueuedMessage> settle(String consumerTag, long deliveryTag, boolean multiple) {
    QueueConsumer c = consumers.get(consumerTag);
    if (c == null) {
      throw ErrorCode.noConsumer(consumerTag, "on this queue");
    }
    List<QueuedMessage> settled = c.settle(deliveryTag, multiple);
    unackedCount -= settled.size();
    if (c.holder && c.unacked.isEmpty()) {
      consumers.remove(c.tag);
    }
    return settled;
  }

  private void deliverAll() {
    if (holding) {
      return;
    }
    expireHead();
    while (ready.hasHead() && deliverable()) {
      QueueConsumer c = consumers.next();
      if (c == null) {
        break;
      }
      QueuedMessage m = ready.poll();
      m.deliveryCount++;
      deliveredUpTo = Math.max(deliveredUpTo, m.seq);
      long tag = c.nextTag++;
      emit(new Effect.Deliver(c.tag, tag, m));
      if (c.mode == AckMode.AUTO) {
        c.inFlight++;
        emit(new Effect.Remove(m));
      } else {
        c.unacked.put(tag, m);
        unackedCount++;
      }
      expireHead();
    }
    maybePageIn();
  }

  /**
   * Whether the head may go out: it is at or below the saved delivered-up-to, and, while the
   * store is failing, stored (a message is handed out as its write starts, and a publisher
   * whose write failed will send it again).
   */
  private boolean deliverable() {
    return ready.headSeq() <= reservedUpTo && !(storeFailing && ready.headUnstored());
  }

  private void maybePageIn() {
    Effect.PageIn p = ready.pageIn(nextSeq - 1);
    if (p != null) {
      emit(p);
    }
  }

  private void emit(Effect e) {
    out.add(e);
  }

  private <R> Result<R> done(R reply) {
    if (out.isEmpty()) {
      return reply == null ? Result.nothing() : new Result<>(reply, List.of());
    }
    List<Effect> effects = out;
    out = new ArrayList<>(4);
    return new Result<>(reply, effects);
  }
}
