package io.junctionmq.queue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * One queue as a pure state machine, after RabbitMQ's rabbit_fifo: each command updates the
 * state and returns the effects its host must carry out (store, deliver, remove, page in).
 * No I/O, no threads; the host calls it from one thread.
 *
 * <p>The head of the queue, up to a window of messages and bytes, is in memory; the tail is
 * only in the stores and is paged in as consumers drain the window. Every message in the
 * window has a larger seq than every message delivered and not settled, so requeued messages
 * go back before the window, in seq order, to their original place.
 *
 * <p>The queue's {@link QueuePolicy} adds RabbitMQ's {@code x-*} behaviours: expired messages
 * leave from the head (only the head is checked, as in RabbitMQ), a length limit drops the
 * head or refuses new messages, returned messages past the delivery limit and rejected ones
 * become dead letters, and a single-active-consumer queue serves its first consumer only.
 */
public final class QueueState {
  private static final Comparator<QueuedMessage> BY_SEQ = Comparator.comparingLong(m -> m.seq);

  private final QueueLimits limits;
  private final QueuePolicy policy;
  private final LongSupplier clock;
  private final boolean durableQueue;
  private final long recoveredDeliveredUpTo;

  private long nextSeq;
  private final ArrayDeque<QueuedMessage> ready = new ArrayDeque<>();
  private final PriorityQueue<QueuedMessage> returned = new PriorityQueue<>(BY_SEQ);
  private long windowBytes;
  private long windowEnd;
  private long tailCount;
  private long tailBytes;
  private final ArrayDeque<Long> unstored = new ArrayDeque<>();
  private boolean pageInFlight;
  private long generation;
  private long deliveredUpTo;

  private final ConsumerRing consumers;
  private long unackedCount;
  private boolean mayExpire;
  private boolean holding;
  private long readyBodyBytes;

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
    this.tailCount = tailCount;
    this.tailBytes = tailBytes;
    this.readyBodyBytes = tailBytes;
    this.recoveredDeliveredUpTo = deliveredUpTo;
    this.deliveredUpTo = deliveredUpTo;
    this.windowEnd = 0;
  }

  // ---- commands ----

  /**
   * A published message joins the tail of the queue; the first effect is {@link Effect.Persist},
   * or {@link Effect.Rejected} when a length limit refuses it.
   */
  public List<Effect> enqueue(Message message) {
    long expiresAt = policy.expiresAt(message, clock.getAsLong());
    var m = new QueuedMessage(nextSeq, message, durableQueue && message.persistent(), 0, expiresAt);
    if (policy.overflow() != QueuePolicy.Overflow.DROP_HEAD
        && policy.overLength(messagesReady() + 1, readyBodyBytes + m.message.body().length)) {
      emit(new Effect.Rejected(m));
      if (policy.overflow() == QueuePolicy.Overflow.REJECT_PUBLISH_DLX) {
        deadLetter(m, QueuePolicy.Reason.MAXLEN, false);
      }
      return flush();
    }
    nextSeq++;
    mayExpire |= expiresAt != QueuePolicy.NEVER;
    readyBodyBytes += m.message.body().length;
    emit(new Effect.Persist(m));
    if (m.durable) {
      unstored.addLast(m.seq);
    }
    if (tailCount == 0 && windowSize() < limits.windowMessages()
        && windowBytes + m.weight <= limits.windowBytes()) {
      ready.addLast(m);
      windowBytes += m.weight;
      windowEnd = m.seq;
    } else {
      tailCount++;
      tailBytes += m.weight;
    }
    deliverAll();
    dropOverLength();
    return flush();
  }

  /** The store holds every durable message up to {@code seq}; they may now be paged in. */
  public List<Effect> stored(long seq) {
    while (!unstored.isEmpty() && unstored.peekFirst() <= seq) {
      unstored.pollFirst();
    }
    maybePageIn();
    return flush();
  }

  /** A durable message could not be stored: it leaves the queue (its publisher got an error). */
  public List<Effect> storeFailed(QueuedMessage failed) {
    long seq = failed.seq;
    unstored.remove(seq);
    if (seq > windowEnd && tailCount > 0) {
      tailCount--;
      tailBytes -= failed.weight;
      readyBodyBytes -= failed.message.body().length;
    } else if (ready.removeIf(m -> m.seq == seq) || returned.removeIf(m -> m.seq == seq)) {
      windowBytes -= failed.weight;
      readyBodyBytes -= failed.message.body().length;
    }
    return flush();
  }

  /**
   * The result of a {@link Effect.PageIn}: the messages read, in seq order. {@code complete}
   * says whether the read returned fewer than asked, so nothing else is stored up to its
   * upper bound.
   */
  public List<Effect> pagedIn(long generation, List<QueuedMessage> page, long upToSeq, boolean complete) {
    pageInFlight = false;
    if (generation == this.generation) {
      for (QueuedMessage m : page) {
        if (m.seq > windowEnd) {
          ready.addLast(m);
          windowBytes += m.weight;
          windowEnd = m.seq;
          tailCount--;
          tailBytes -= m.weight;
        }
      }
      if (complete) {
        windowEnd = Math.max(windowEnd, upToSeq);
      }
      if (tailCount <= 0 || complete && upToSeq >= nextSeq - 1) {
        tailCount = 0;
        tailBytes = 0;
      }
    }
    deliverAll();
    dropOverLength();
    return flush();
  }

  /** Turns a message read back from a store into one of this queue's messages. */
  public QueuedMessage recovered(long seq, Message message, boolean durable, long expiresAt) {
    mayExpire |= expiresAt != QueuePolicy.NEVER;
    return new QueuedMessage(seq, message, durable, seq <= recoveredDeliveredUpTo ? 1 : 0, expiresAt);
  }

  /** Time has passed: expired messages at the head leave (see {@link #nextExpiry()}). */
  public List<Effect> expire() {
    deliverAll();
    return flush();
  }

  /** A consumer subscribes; prefetch 0 means the default. */
  public List<Effect> consume(String consumerId, int prefetch, AckMode mode) {
    if (consumers.contains(consumerId)) {
      throw ErrorCode.PRECONDITION_FAILED.error("consumer '" + consumerId + "' exists already");
    }
    consumers.add(new QueueConsumer(consumerId, limits.prefetch(prefetch), mode));
    deliverAll();
    return flush();
  }

  /** A consumer goes away; its unacked messages go back to their places in the queue. */
  public List<Effect> cancel(String consumerId) {
    QueueConsumer c = consumers.remove(consumerId);
    if (c == null) {
      return flush();
    }
    for (QueuedMessage m : c.unacked.values()) {
      requeue(m);
    }
    unackedCount -= c.unacked.size();
    c.unacked.clear();
    if (consumers.size() == 0) {
      emit(new Effect.LastConsumerGone());
    }
    deliverAll();
    return flush();
  }

  /** Settles a delivery; with {@code multiple}, or for a CLIENT consumer, every earlier one too. */
  public List<Effect> ack(String consumerId, long deliveryTag, boolean multiple) {
    for (QueuedMessage m : settle(consumerId, deliveryTag, multiple)) {
      emit(new Effect.Remove(m));
    }
    deliverAll();
    return flush();
  }

  /** Rejects deliveries as {@link #ack} selects them; requeued or removed. */
  public List<Effect> nack(String consumerId, long deliveryTag, boolean multiple, boolean requeue) {
    for (QueuedMessage m : settle(consumerId, deliveryTag, multiple)) {
      if (requeue) {
        requeue(m);
      } else {
        discard(m, QueuePolicy.Reason.REJECTED);
      }
    }
    deliverAll();
    return flush();
  }

  /** An AUTO consumer has processed {@code count} deliveries and can take as many more. */
  public List<Effect> credit(String consumerId, int count) {
    QueueConsumer c = consumers.get(consumerId);
    if (c != null) {
      c.inFlight = Math.max(0, c.inFlight - count);
      deliverAll();
    }
    return flush();
  }

  /**
   * Removes every ready message (in memory and in the tail), leaving unacked ones; the one
   * {@link Effect.PurgeStore} effect tells how many.
   */
  public List<Effect> purge() {
    long count = messagesReady();
    ready.clear();
    returned.clear();
    windowBytes = 0;
    readyBodyBytes = 0;
    tailCount = 0;
    tailBytes = 0;
    windowEnd = nextSeq - 1;
    generation++;
    pageInFlight = false;
    long[] keep = consumers.all().stream()
        .flatMap(c -> c.unacked.values().stream()).mapToLong(m -> m.seq).sorted().toArray();
    emit(new Effect.PurgeStore(nextSeq - 1, keep, count));
    return flush();
  }

  // ---- queries ----

  /** Delivers nothing more (the queue is being handed to another node); what is out stays out. */
  public void hold() {
    holding = true;
  }

  public long messagesReady() {
    return ready.size() + returned.size() + tailCount;
  }

  public long messagesUnacknowledged() {
    return unackedCount;
  }

  /** Body bytes of the ready messages, as RabbitMQ counts them for {@code x-max-length-bytes}. */
  public long messageBytesReady() {
    return readyBodyBytes;
  }

  public int consumerCount() {
    return consumers.size();
  }

  public boolean hasConsumer(String consumerId) {
    return consumers.contains(consumerId);
  }

  /** The largest seq ever delivered: every seq up to it may have been delivered. */
  public long deliveredUpTo() {
    return deliveredUpTo;
  }

  /** Ready messages held in memory (the window and requeued ones), bounded by {@code queue.window.messages}. */
  public long windowMessages() {
    return windowSize();
  }

  /** The weight of {@link #windowMessages()}, bounded by {@code queue.window.bytes}. */
  public long windowBytes() {
    return windowBytes;
  }

  /** How many messages are in memory: the window, requeued and unacked. */
  public long inMemory() {
    return windowSize() + unackedCount;
  }

  public long nextSeq() {
    return nextSeq;
  }

  /**
   * When the head's first message expires (epoch millis), or {@link QueuePolicy#NEVER}; the
   * host calls {@link #expire()} then.
   */
  public long nextExpiry() {
    if (!mayExpire) {
      return QueuePolicy.NEVER;
    }
    long next = QueuePolicy.NEVER;
    if (!returned.isEmpty()) {
      next = returned.peek().expiresAt;
    }
    if (!ready.isEmpty()) {
      next = Math.min(next, ready.peekFirst().expiresAt);
    }
    return next;
  }

  // ---- inside ----

  private int windowSize() {
    return ready.size() + returned.size();
  }

  /** A returned message goes back to its place, unless it has had its deliveries. */
  private void requeue(QueuedMessage m) {
    if (policy.deliveriesExhausted(m.deliveryCount)) {
      discard(m, QueuePolicy.Reason.DELIVERY_LIMIT);
      return;
    }
    returned.add(m);
    windowBytes += m.weight;
    readyBodyBytes += m.message.body().length;
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

  /** Takes the head of the window (returned messages first) out of the queue. */
  private QueuedMessage pollHead() {
    QueuedMessage m = returned.isEmpty() ? ready.pollFirst() : returned.poll();
    windowBytes -= m.weight;
    readyBodyBytes -= m.message.body().length;
    return m;
  }

  /** Drops expired messages at the head of the window. */
  private void expireHead() {
    if (!mayExpire) {
      return;
    }
    long now = clock.getAsLong();
    while (!returned.isEmpty() && returned.peek().expiresAt < now) {
      expired(returned.poll());
    }
    while (!ready.isEmpty() && ready.peekFirst().expiresAt < now) {
      expired(ready.pollFirst());
    }
  }

  private void expired(QueuedMessage m) {
    windowBytes -= m.weight;
    readyBodyBytes -= m.message.body().length;
    discard(m, QueuePolicy.Reason.EXPIRED);
  }

  /** With {@code x-overflow} drop-head, drops the oldest ready messages while over a length limit. */
  private void dropOverLength() {
    if (policy.overflow() != QueuePolicy.Overflow.DROP_HEAD) {
      return;
    }
    while (windowSize() > 0 && policy.overLength(messagesReady(), messageBytesReady())) {
      discard(pollHead(), QueuePolicy.Reason.MAXLEN);
    }
    maybePageIn();
  }

  private List<QueuedMessage> settle(String consumerId, long deliveryTag, boolean multiple) {
    QueueConsumer c = consumers.get(consumerId);
    if (c == null) {
      throw ErrorCode.NOT_FOUND.error("no consumer '" + consumerId + "' on this queue");
    }
    List<QueuedMessage> settled = c.settle(deliveryTag, multiple);
    unackedCount -= settled.size();
    return settled;
  }

  private void deliverAll() {
    if (holding) {
      return;
    }
    expireHead();
    while (!ready.isEmpty() || !returned.isEmpty()) {
      QueueConsumer c = consumers.next();
      if (c == null) {
        break;
      }
      QueuedMessage m = pollHead();
      m.deliveryCount++;
      deliveredUpTo = Math.max(deliveredUpTo, m.seq);
      long tag = c.nextTag++;
      emit(new Effect.Deliver(c.id, tag, m));
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

  private void maybePageIn() {
    if (pageInFlight || tailCount == 0) {
      return;
    }
    int room = limits.windowMessages() - windowSize();
    if (room < Math.max(1, limits.windowMessages() / 2) || windowBytes > limits.windowBytes() / 2) {
      return;
    }
    long stable = unstored.isEmpty() ? nextSeq - 1 : unstored.peekFirst() - 1;
    if (stable <= windowEnd) {
      return;
    }
    pageInFlight = true;
    emit(new Effect.PageIn(windowEnd, stable, room, generation));
  }

  private void emit(Effect e) {
    out.add(e);
  }

  private List<Effect> flush() {
    if (out.isEmpty()) {
      return List.of();
    }
    List<Effect> effects = out;
    out = new ArrayList<>(4);
    return effects;
  }
}
