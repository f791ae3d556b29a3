package io.junctionmq.queue;

import io.junctionmq.model.Message;
import io.junctionmq.store.RememberedId;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The message ids a queue with {@code x-message-deduplication} accepted within its window,
 * each until it expires. The queue's owner decides here, before the state sees the message,
 * so a duplicate is never delivered; a durable queue's ids are also stored with their
 * messages, and a new owner starts from them ({@link #load}). On the queue's context only.
 */
final class Deduplication {
  /** RabbitMQ's dedup plugin takes the id from this header; without it, the message-id property. */
  static final String HEADER = "x-deduplication-header";
  /** Set on every dead letter by {@link DeadLetters}. */
  private static final String DEAD_LETTER_HEADER = "x-last-death-queue";

  private final long window;
  private final LongSupplier clock;
  // Accepted with one window, so insertion order is expiry order: the oldest expire first.
  private final LinkedHashMap<String, Long> expiresAt = new LinkedHashMap<>();
  /** Ids accepted whose message is not stored yet: a repeat is confirmed when its original is. */
  private final Map<String, Future<Void>> storing = new HashMap<>();

  Deduplication(long windowMs, LongSupplier clock) {
    this.window = windowMs;
    this.clock = clock;
  }

  /**
   * The id a message is deduplicated by, or null: a message without one is always accepted,
   * and so is a dead letter, which is a message coming back (a retry loop through a
   * dead-letter exchange), not a publisher's repeat.
   */
  static String idOf(Message message) {
    if (message.properties().headers().containsKey(DEAD_LETTER_HEADER)) {
      return null;
    }
    String header = message.properties().headers().get(HEADER);
    return header != null ? header : message.properties().messageId();
  }

  /** Whether a message with the id of {@code message} was accepted within the window. */
  boolean duplicate(Message message) {
    String id = idOf(message);
    if (id == null) {
      return false;
    }
    expire(clock.getAsLong());
    return expiresAt.containsKey(id);
  }

  /** Remembers the id of {@code message} (if it has one) as accepted now; {@code stored} completes when it is stored. */
  void accept(Message message, Future<Void> stored) {
    String id = idOf(message);
    if (id != null) {
      expiresAt.remove(id);
      expiresAt.put(id, clock.getAsLong() + window);
      if (!stored.isComplete()) {
        storing.put(id, stored);
        stored.onComplete(ar -> storing.remove(id, stored));
      }
    }
  }

  /**
   * What a repeat's publisher is answered: when the original is stored, and a failure if it
   * is not (the repeat must not be confirmed for a message that was lost: its publisher retries).
   */
  Future<Void> original(Message message) {
    Future<Void> stored = storing.get(idOf(message));
    return stored == null ? Future.succeededFuture() : stored;
  }

  /** Forgets the id of {@code message}: it was not stored after all, so a retry must be accepted. */
  void forget(Message message) {
    String id = idOf(message);
    if (id != null) {
      expiresAt.remove(id);
    }
  }

  /** Starts from the ids a previous owner stored, in order of expiry. */
  void load(List<RememberedId> ids) {
    long now = clock.getAsLong();
    for (RememberedId r : ids) {
      if (r.expiresAt() > now) {
        expiresAt.put(r.messageId(), r.expiresAt());
      }
    }
  }

  /** Drops the ids whose window ended; completes with the time it took as now. */
  long expire() {
    long now = clock.getAsLong();
    expire(now);
    return now;
  }

  private void expire(long now) {
    Iterator<Map.Entry<String, Long>> it = expiresAt.entrySet().iterator();
    while (it.hasNext() && it.next().getValue() <= now) {
      it.remove();
    }
  }

  int size() {
    return expiresAt.size();
  }
}
