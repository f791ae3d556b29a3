package io.junctionmq.queue;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.PriorityQueue;

/**
 * One queue as a pure state machine, after RabbitMQ's rabbit_fifo: each command updates the
 * state and returns the effects its host must carry out (store, deliver, remove, page in).
 * No I/O, no threads; the host calls it from one thread.
 *
 * <p>The head of the queue, up to a window of messages and bytes, is in memory; the tail is
 * only in the stores and is paged in as consumers drain the window. Every message in the
 * window has a larger seq than every message delivered and not settled, so requeued messages
 * go back before the window, in seq order, to their original place.
 */
public final class QueueState {
  private static final Comparator<QueuedMessage> BY_SEQ = Comparator.comparingLong(m -> m.seq);

  private final QueueLimits limits;
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

  private final LinkedHashMap<String, ConsumerState> consumers = new LinkedHashMap<>();
  private final ArrayList<ConsumerState> ring = new ArrayList<>();
  private int cursor;
  private long unackedCount;

  private ArrayList<Effect> out = new ArrayList<>();

  /** A new, empty queue. */
  public QueueState(QueueLimits limits, boolean durableQueue) {
    this(limits, durableQueue, 1, 0, 0, 0);
  }

  /**
   * A queue recovered from its stores: {@code tailCount} messages with seqs below
   * {@code nextSeq} wait in the stores; those up to {@code deliveredUpTo} may have been
   * delivered before and come back redelivered.
   */
  public QueueState(QueueLimits limits, boolean durableQueue, long nextSeq, long tailCount,
                    long tailBytes, long deliveredUpTo) {
    this.limits = limits;
    this.durableQueue = durableQueue;
    this.nextSeq = Math.max(nextSeq, deliveredUpTo + 1);
    this.tailCount = tailCount;
    this.tailBytes = tailBytes;
    this.recoveredDeliveredUpTo = deliveredUpTo;
    this.deliveredUpTo = deliveredUpTo;
    this.windowEnd = 0;
  }

  // ---- commands ----

  /** A published message joins the tail of the queue. */
  public List<Effect> enqueue(Message message) {
    var m = new QueuedMessage(nextSeq++, message, durableQueue && message.persistent(), 0);
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
  public List<Effect> storeFailed(long seq) {
    unstored.remove(seq);
    if (seq > windowEnd && tailCount > 0) {
      tailCount--;
    } else {
      ready.removeIf(m -> m.seq == seq);
      returned.removeIf(m -> m.seq == seq);
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
    return flush();
  }

  /** Turns a message read back from a store into one of this queue's messages. */
  public QueuedMessage recovered(long seq, Message message, boolean durable) {
    return new QueuedMessage(seq, message, durable, seq <= recoveredDeliveredUpTo ? 1 : 0);
  }

  /** A consumer subscribes; prefetch 0 means the default. */
  public List<Effect> consume(String consumerId, int prefetch, AckMode mode) {
    if (consumers.containsKey(consumerId)) {
      throw ErrorCode.PRECONDITION_FAILED.error("consumer '" + consumerId + "' exists already");
    }
    var c = new ConsumerState(consumerId, limits.prefetch(prefetch), mode);
    consumers.put(consumerId, c);
    ring.add(c);
    deliverAll();
    return flush();
  }

  /** A consumer goes away; its unacked messages go back to their places in the queue. */
  public List<Effect> cancel(String consumerId) {
    ConsumerState c = consumers.remove(consumerId);
    if (c == null) {
      return flush();
    }
    int i = ring.indexOf(c);
    ring.remove(i);
    if (cursor > i) {
      cursor--;
    }
    for (QueuedMessage m : c.unacked.values()) {
      requeue(m);
    }
    unackedCount -= c.unacked.size();
    c.unacked.clear();
    if (consumers.isEmpty()) {
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
        emit(new Effect.Remove(m));
      }
    }
    deliverAll();
    return flush();
  }

  /** An AUTO consumer has processed {@code count} deliveries and can take as many more. */
  public List<Effect> credit(String consumerId, int count) {
    ConsumerState c = consumers.get(consumerId);
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
    tailCount = 0;
    tailBytes = 0;
    windowEnd = nextSeq - 1;
    generation++;
    pageInFlight = false;
    long[] keep = consumers.values().stream()
        .flatMap(c -> c.unacked.values().stream()).mapToLong(m -> m.seq).sorted().toArray();
    emit(new Effect.PurgeStore(nextSeq - 1, keep, count));
    return flush();
  }

  // ---- queries ----

  public long messagesReady() {
    return ready.size() + returned.size() + tailCount;
  }

  public long messagesUnacknowledged() {
    return unackedCount;
  }

  public long messageBytesReady() {
    return windowBytes + tailBytes;
  }

  public int consumerCount() {
    return consumers.size();
  }

  public boolean hasConsumer(String consumerId) {
    return consumers.containsKey(consumerId);
  }

  /** The largest seq ever delivered: every seq up to it may have been delivered. */
  public long deliveredUpTo() {
    return deliveredUpTo;
  }

  /** How many messages are in memory: the window, requeued and unacked. */
  public long inMemory() {
    return windowSize() + unackedCount;
  }

  public long nextSeq() {
    return nextSeq;
  }

  // ---- inside ----

  private int windowSize() {
    return ready.size() + returned.size();
  }

  private void requeue(QueuedMessage m) {
    returned.add(m);
    windowBytes += m.weight;
  }

  private List<QueuedMessage> settle(String consumerId, long deliveryTag, boolean multiple) {
    ConsumerState c = consumers.get(consumerId);
    if (c == null) {
      throw ErrorCode.NOT_FOUND.error("no consumer '" + consumerId + "' on this queue");
    }
    if (c.mode == AckMode.AUTO) {
      throw ErrorCode.PRECONDITION_FAILED.error("consumer '" + consumerId + "' uses auto ack");
    }
    if (!c.unacked.containsKey(deliveryTag)) {
      throw ErrorCode.UNKNOWN_DELIVERY_TAG.error("unknown delivery tag " + deliveryTag);
    }
    var settled = new ArrayList<QueuedMessage>();
    if (multiple || c.mode == AckMode.CLIENT) {
      var it = c.unacked.entrySet().iterator();
      while (it.hasNext()) {
        var e = it.next();
        if (e.getKey() > deliveryTag) {
          break;
        }
        settled.add(e.getValue());
        it.remove();
      }
    } else {
      settled.add(c.unacked.remove(deliveryTag));
    }
    unackedCount -= settled.size();
    return settled;
  }

  private void deliverAll() {
    while (!ready.isEmpty() || !returned.isEmpty()) {
      ConsumerState c = nextConsumer();
      if (c == null) {
        break;
      }
      QueuedMessage m = returned.isEmpty() ? ready.pollFirst() : returned.poll();
      windowBytes -= m.weight;
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
    }
    maybePageIn();
  }

  /** The next consumer with credit after the last one served, round-robin; null if none. */
  private ConsumerState nextConsumer() {
    int n = ring.size();
    for (int i = 0; i < n; i++) {
      int at = (cursor + i) % n;
      ConsumerState c = ring.get(at);
      if (c.hasCredit()) {
        cursor = (at + 1) % n;
        return c;
      }
    }
    return null;
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

  private static final class ConsumerState {
    final String id;
    final int prefetch;
    final AckMode mode;
    final LinkedHashMap<Long, QueuedMessage> unacked = new LinkedHashMap<>();
    long nextTag = 1;
    int inFlight;

    ConsumerState(String id, int prefetch, AckMode mode) {
      this.id = id;
      this.prefetch = prefetch;
      this.mode = mode;
    }

    boolean hasCredit() {
      return (mode == AckMode.AUTO ? inFlight : unacked.size()) < prefetch;
    }
  }
}
