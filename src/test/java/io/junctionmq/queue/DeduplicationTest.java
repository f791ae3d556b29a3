package io.junctionmq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.store.RememberedId;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeduplicationTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Deduplication dedup = new Deduplication(100, now::get);

  static Message withId(String id) {
    return new Message("", "q", MessageProperties.builder().messageId(id).persistent(true).build(), new byte[0]);
  }

  @Test
  void anIdAcceptedWithinTheWindowIsADuplicate() {
    assertFalse(dedup.duplicate(withId("a")));
    dedup.accept(withId("a"), Future.succeededFuture());
    now.addAndGet(99);
    assertTrue(dedup.duplicate(withId("a")));
    assertFalse(dedup.duplicate(withId("b")));
  }

  @Test
  void anIdIsNewAgainOnceItsWindowEnded() {
    dedup.accept(withId("a"), Future.succeededFuture());
    now.addAndGet(100);
    assertFalse(dedup.duplicate(withId("a")));
    assertEquals(0, dedup.size());
  }

  @Test
  void aMessageWithoutAnIdIsNeverADuplicate() {
    Message none = new Message("", "q", MessageProperties.PERSISTENT, new byte[0]);
    dedup.accept(none, Future.succeededFuture());
    assertFalse(dedup.duplicate(none));
    assertEquals(0, dedup.size());
  }

  @Test
  void theDeduplicationHeaderOfRabbitMqsPluginTakesPrecedenceOverTheMessageId() {
    Message a = new Message("", "q", MessageProperties.builder().messageId("m1")
        .headers(Map.of(Deduplication.HEADER, "h")).build(), new byte[0]);
    dedup.accept(a, Future.succeededFuture());
    assertTrue(dedup.duplicate(new Message("", "q", MessageProperties.builder()
        .headers(Map.of(Deduplication.HEADER, "h")).build(), new byte[0])));
    assertFalse(dedup.duplicate(withId("m1")));
  }

  @Test
  void aDeadLetterComingBackIsNeverADuplicate() {
    Message original = withId("a");
    dedup.accept(original, Future.succeededFuture());
    Message letter = DeadLetters.of(original, "q", QueuePolicy.NONE, QueuePolicy.Reason.EXPIRED);
    assertFalse(dedup.duplicate(letter));
    dedup.accept(letter, Future.succeededFuture());
    assertEquals(1, dedup.size());
  }

  @Test
  void aForgottenIdIsAcceptedAgain() {
    dedup.accept(withId("a"), Future.succeededFuture());
    dedup.forget(withId("a"));
    assertFalse(dedup.duplicate(withId("a")));
  }

  @Test
  void aLoadedWindowKeepsOnlyTheIdsNotExpired() {
    dedup.load(List.of(new RememberedId("old", now.get()), new RememberedId("live", now.get() + 50)));
    assertFalse(dedup.duplicate(withId("old")));
    assertTrue(dedup.duplicate(withId("live")));
    now.addAndGet(50);
    assertFalse(dedup.duplicate(withId("live")));
  }

  @Test
  void expiringDropsOnlyTheIdsWhoseWindowEnded() {
    dedup.accept(withId("a"), Future.succeededFuture());
    now.addAndGet(60);
    dedup.accept(withId("b"), Future.succeededFuture());
    now.addAndGet(40);
    assertEquals(now.get(), dedup.expire());
    assertEquals(1, dedup.size());
    assertTrue(dedup.duplicate(withId("b")));
  }
}
