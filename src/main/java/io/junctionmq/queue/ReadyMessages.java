package io.junctionmq.queue;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A queue's ready messages: its head in memory (the window, with returned messages before it
 * in seq order) and the tail, which is only in the stores and only counted here. Part of
 * {@link QueueState}; pure.
 *
 * <p>Every message in the window has a larger seq than every message delivered and not
 * settled, so a returned message goes back before the window, to its original place. A page
 * is read only up to the last message that is fully stored, so a page-in never skips a
 * message whose write is still in flight.
 */
final class ReadyMessages {
  private static final Comparator<QueuedMessage> BY_SEQ = Comparator.comparingLong(m -> m.seq);

  private final QueueLimits limits;
  private final ArrayDeque<QueuedMessage> window = new ArrayDeque<>();
  private final PriorityQueue<QueuedMessage> returned = new PriorityQueue<>(BY_SEQ);
  private long windowBytes;
  private long windowEnd;
  private long tailCount;
  private long tailBytes;
  private long bodyBytes;
  private final ArrayDeque<Long> unstored = new ArrayDeque<>();
  private boolean pageInFlight;
  private long generation;

  /** Recovered: {@code tailCount} messages of {@code tailBytes} wait in the stores. */
  ReadyMessages(QueueLimits limits, long tailCount, long tailBytes) {
    this.limits = limits;
    this.tailCount = tailCount;
    this.tailBytes = tailBytes;
    this.bodyBytes = tailBytes;
  }

  /** A new message joins the window if the tail is empty and there is room, else the tail. */
  void add(QueuedMessage m) {
    bodyBytes += m.message.body().length;
    if (m.durable) {
      unstored.addLast(m.seq);
    }
    if (tailCount == 0 && inMemory() < limits.windowMessages() && windowBytes + m.weight <= limits.windowBytes()) {
      window.addLast(m);
      windowBytes += m.weight;
      windowEnd = m.seq;
    } else {
      tailCount++;
      tailBytes += m.weight;
    }
  }

  /** Every durable message up to {@code seq} is stored. */
  void stored(long seq) {
    while (!unstored.isEmpty() && unstored.peekFirst() <= seq) {
      unstored.pollFirst();
    }
  }

  /** Whether the head (see {@link #hasHead()}) waits for its write, or follows one that does. */
  boolean headUnstored() {
    return !unstored.isEmpty() && headSeq() >= unstored.peekFirst();
  }

  /** A durable message could not be stored: it leaves, unless it was delivered already. */
  void storeFailed(QueuedMessage failed) {
    long seq = failed.seq;
    unstored.remove(seq);
    if (seq > windowEnd && tailCount > 0) {
      tailCount--;
      tailBytes -= failed.weight;
      bodyBytes -= failed.message.body().length;
    } else if (window.removeIf(m -> m.seq == seq) || returned.removeIf(m -> m.seq == seq)) {
      windowBytes -= failed.weight;
      bodyBytes -= failed.message.body().length;
    }
  }

  /** A page read for {@link #pageIn}; one from before a purge ({@code generation}) is ignored. */
  void pagedIn(long generation, List<QueuedMessage> page, long upToSeq, boolean complete, long lastSeq) {
    pageInFlight = false;
    if (generation != this.generation) {
      return;
    }
    for (QueuedMessage m : page) {
      if (m.seq > windowEnd) {
        window.addLast(m);
        windowBytes += m.weight;
        windowEnd = m.seq;
        tailCount--;
        tailBytes -= m.weight;
      }
    }
    if (complete) {
      windowEnd = Math.max(windowEnd, upToSeq);
    }
    if (tailCount <= 0 || complete && upToSeq >= lastSeq) {
      tailCount = 0;
      tailBytes = 0;
    }
  }

  /**
   * The next page to read when the window has drained below half and the tail is stored
   * beyond it; null when none is due (or one is in flight already).
   */
  Effect.PageIn pageIn(long lastSeq) {
    if (pageInFlight || tailCount == 0) {
      return null;
    }
    int room = limits.windowMessages() - inMemory();
    if (room < Math.max(1, limits.windowMessages() / 2) || windowBytes > limits.windowBytes() / 2) {
      return null;
    }
    long stable = unstored.isEmpty() ? lastSeq : unstored.peekFirst() - 1;
    if (stable <= windowEnd) {
      return null;
    }
    pageInFlight = true;
    return new Effect.PageIn(windowEnd, stable, room, generation);
  }

  /** A delivered message comes back to its place at the head. */
  void giveBack(QueuedMessage m) {
    returned.add(m);
    windowBytes += m.weight;
    bodyBytes += m.message.body().length;
  }

  /** Whether the head is in memory. */
  boolean hasHead() {
    return !window.isEmpty() || !returned.isEmpty();
  }

  /** The seq of the head (returned messages first); call only if {@link #hasHead()}. */
  long headSeq() {
    return returned.isEmpty() ? window.peekFirst().seq : returned.peek().seq;
  }

  /** Takes the head (returned messages first); call only if {@link #hasHead()}. */
  QueuedMessage poll() {
    return taken(returned.isEmpty() ? window.pollFirst() : returned.poll());
  }

  /** Takes an expired message at the head of the returned ones or of the window, or null. */
  QueuedMessage pollExpired(long now) {
    if (!returned.isEmpty() && returned.peek().expiresAt < now) {
      return taken(returned.poll());
    }
    if (!window.isEmpty() && window.peekFirst().expiresAt < now) {
      return taken(window.pollFirst());
    }
    return null;
  }

  /** When the first message at the head expires, or {@link QueuePolicy#NEVER}. */
  long nextExpiry() {
    long next = QueuePolicy.NEVER;
    if (!returned.isEmpty()) {
      next = returned.peek().expiresAt;
    }
    if (!window.isEmpty()) {
      next = Math.min(next, window.peekFirst().expiresAt);
    }
    return next;
  }

  /** Forgets every ready message; the seqs up to {@code lastSeq} are gone. Returns how many there were. */
  long purge(long lastSeq) {
    long count = size();
    window.clear();
    returned.clear();
    windowBytes = 0;
    bodyBytes = 0;
    tailCount = 0;
    tailBytes = 0;
    windowEnd = lastSeq;
    generation++;
    pageInFlight = false;
    return count;
  }

  long size() {
    return window.size() + returned.size() + tailCount;
  }

  /** Ready messages in memory: the window and the returned ones. */
  int inMemory() {
    return window.size() + returned.size();
  }

  long windowBytes() {
    return windowBytes;
  }

  long bodyBytes() {
    return bodyBytes;
  }

  private QueuedMessage taken(QueuedMessage m) {
    windowBytes -= m.weight;
    bodyBytes -= m.message.body().length;
    return m;
  }
}
