package io.junctionmq.queue;

import static io.junctionmq.queue.QueueStateTest.body;
import static io.junctionmq.queue.QueueStateTest.deliveries;
import static io.junctionmq.queue.QueueStateTest.msg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.QueueArguments;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The queue's x-arguments: TTL, length limits, dead letters, delivery limit, single active consumer. */
class QueuePolicyTest {
  private final AtomicLong now = new AtomicLong(1_000_000);

  private QueueState queue(Map<String, Object> args) {
    return new QueueState(QueueLimits.DEFAULT, QueuePolicy.of(QueueArguments.parse(args)), now::get, true);
  }

  private static Message expiring(String body, String expiration) {
    var props = MessageProperties.builder().persistent(true).expiration(expiration).build();
    return new Message("", "q", props, body.getBytes(StandardCharsets.UTF_8));
  }

  private static <T extends Effect> List<T> only(Class<T> type, Result<?> result) {
    var out = new ArrayList<T>();
    for (Effect e : result.effects()) {
      if (type.isInstance(e)) {
        out.add(type.cast(e));
      }
    }
    return out;
  }

  private static String body(QueuedMessage m) {
    return new String(m.message().body(), StandardCharsets.UTF_8);
  }

  @Test
  void messagesExpireAtTheHeadAfterTheQueueTtl() {
    var q = queue(Map.of("x-message-ttl", 100));
    q.enqueue(msg("a"));
    now.addAndGet(50);
    q.enqueue(msg("b"));
    assertEquals(1_000_100, q.nextExpiry());
    now.addAndGet(51);
    var effects = q.expire();
    var removed = only(Effect.Remove.class, effects);
    assertEquals(List.of("a"), removed.stream().map(r -> body(r.message())).toList());
    assertEquals(1, q.messagesReady());
    assertEquals(1_000_150, q.nextExpiry());
  }

  @Test
  void anExpiredMessageIsNeverDelivered() {
    var q = queue(Map.of("x-message-ttl", 10));
    q.enqueue(msg("old"));
    now.addAndGet(11);
    q.enqueue(msg("new"));
    var ds = deliveries(q.consume("c", 10, AckMode.CLIENT_INDIVIDUAL));
    assertEquals(List.of("new"), ds.stream().map(QueueStateTest::body).toList());
  }

  @Test
  void ttlZeroDeliversOnlyToAWaitingConsumer() {
    var q = queue(Map.of("x-message-ttl", 0));
    q.consume("c", 1, AckMode.CLIENT_INDIVIDUAL);
    assertEquals(1, deliveries(q.enqueue(msg("taken"))).size());
    q.enqueue(msg("waits"));
    now.incrementAndGet();
    q.expire();
    assertEquals(0, q.messagesReady());
  }

  @Test
  void theMessageExpirationAndTheQueueTtlTakeTheEarlier() {
    var q = queue(Map.of("x-message-ttl", 1000));
    q.enqueue(expiring("short", "10"));
    assertEquals(1_000_010, q.nextExpiry());
    var plain = queue(Map.of());
    plain.enqueue(expiring("own", "250"));
    assertEquals(1_000_250, plain.nextExpiry());
    plain.enqueue(msg("forever"));
    now.addAndGet(300);
    plain.expire();
    assertEquals(1, plain.messagesReady());
    assertEquals(QueuePolicy.NEVER, plain.nextExpiry());
  }

  @Test
  void aBadExpirationIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> QueuePolicy.parseExpiration("soon"));
    assertThrows(IllegalArgumentException.class, () -> QueuePolicy.parseExpiration("-1"));
    assertEquals(5, QueuePolicy.parseExpiration("5"));
  }

  @Test
  void expiredMessagesBecomeDeadLettersWithADeadLetterExchange() {
    var q = queue(Map.of("x-message-ttl", 5, "x-dead-letter-exchange", "dlx"));
    q.enqueue(msg("a"));
    now.addAndGet(6);
    var letters = only(Effect.DeadLetter.class, q.expire());
    assertEquals(1, letters.size());
    assertEquals(QueuePolicy.Reason.EXPIRED, letters.get(0).reason());
    assertTrue(letters.get(0).stored());
  }

  @Test
  void maxLengthDropsTheHead() {
    var q = queue(Map.of("x-max-length", 2));
    q.enqueue(msg("1"));
    q.enqueue(msg("2"));
    var removed = only(Effect.Remove.class, q.enqueue(msg("3")));
    assertEquals(List.of("1"), removed.stream().map(r -> body(r.message())).toList());
    var ds = deliveries(q.consume("c", 10, AckMode.CLIENT_INDIVIDUAL));
    assertEquals(List.of("2", "3"), ds.stream().map(QueueStateTest::body).toList());
  }

  @Test
  void maxLengthCountsReadyMessagesOnly() {
    var q = queue(Map.of("x-max-length", 1));
    q.consume("c", 5, AckMode.CLIENT_INDIVIDUAL);
    for (int i = 0; i < 5; i++) {
      assertTrue(only(Effect.Remove.class, q.enqueue(msg("m" + i))).isEmpty());
    }
    assertEquals(5, q.messagesUnacknowledged());
  }

  @Test
  void maxLengthBytesDropsTheHeadAsDeadLetter() {
    var q = queue(Map.of("x-max-length-bytes", 2, "x-dead-letter-exchange", "dlx"));
    q.enqueue(msg("a"));
    q.enqueue(msg("b"));
    var letters = only(Effect.DeadLetter.class, q.enqueue(msg("c")));
    assertEquals(1, letters.size());
    assertEquals("a", body(letters.get(0).message()));
    assertEquals(QueuePolicy.Reason.MAXLEN, letters.get(0).reason());
  }

  @Test
  void rejectPublishRefusesTheNewMessage() {
    var q = queue(Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
    assertInstanceOf(QueuedMessage.class, q.enqueue(msg("kept")).reply());
    var refused = q.enqueue(msg("refused"));
    assertEquals(Enqueued.REFUSED, refused.reply());
    assertTrue(refused.effects().isEmpty());
    assertEquals(1, q.messagesReady());
    var ds = deliveries(q.consume("c", 10, AckMode.CLIENT_INDIVIDUAL));
    assertEquals(List.of("kept"), ds.stream().map(QueueStateTest::body).toList());
    assertInstanceOf(QueuedMessage.class, q.enqueue(msg("room again")).reply());
  }

  @Test
  void rejectPublishDlxDeadLettersTheRefusedMessage() {
    var q = queue(Map.of("x-max-length", 0, "x-overflow", "reject-publish-dlx", "x-dead-letter-exchange", "dlx"));
    var refused = q.enqueue(msg("refused"));
    assertEquals(Enqueued.REFUSED, refused.reply());
    var letter = (Effect.DeadLetter) refused.effects().get(0);
    assertFalse(letter.stored(), "never stored, so nothing to remove");
    assertEquals(0, q.messagesReady());
  }

  @Test
  void rejectedWithoutRequeueIsADeadLetter() {
    var q = queue(Map.of("x-dead-letter-exchange", "dlx"));
    q.enqueue(msg("x"));
    q.consume("c", 1, AckMode.CLIENT_INDIVIDUAL);
    var letters = only(Effect.DeadLetter.class, q.nack("c", 1, false, false));
    assertEquals(QueuePolicy.Reason.REJECTED, letters.get(0).reason());
    assertEquals(0, q.messagesReady() + q.messagesUnacknowledged());
  }

  @Test
  void aMessageReturnedMoreOftenThanTheDeliveryLimitLeaves() {
    var q = queue(Map.of("x-delivery-limit", 2));
    q.enqueue(msg("poison"));
    q.consume("c", 1, AckMode.CLIENT_INDIVIDUAL);
    assertEquals(1, deliveries(q.nack("c", 1, false, true)).size());
    assertEquals(1, deliveries(q.nack("c", 2, false, true)).size());
    var effects = q.nack("c", 3, false, true);
    assertTrue(deliveries(effects).isEmpty());
    assertEquals(1, only(Effect.Remove.class, effects).size());
    assertEquals(0, q.messagesReady() + q.messagesUnacknowledged());
  }

  @Test
  void singleActiveConsumerServesTheFirstConsumerUntilItLeaves() {
    var q = queue(Map.of("x-single-active-consumer", true));
    q.consume("first", 1, AckMode.CLIENT_INDIVIDUAL);
    q.consume("second", 1, AckMode.CLIENT_INDIVIDUAL);
    assertEquals("first", deliveries(q.enqueue(msg("1"))).get(0).consumerTag());
    assertTrue(deliveries(q.enqueue(msg("2"))).isEmpty(), "the second consumer stays idle");
    var after = deliveries(q.cancel("first"));
    assertEquals(1, after.size());
    assertEquals("second", after.get(0).consumerTag());
    assertEquals("1", QueueStateTest.body(after.get(0)), "the returned message first");
  }

  @Test
  void singleActiveConsumerIsNamedByTheQueueUntilItsLastConsumerLeaves() {
    var q = queue(Map.of("x-single-active-consumer", true));
    assertNull(q.singleActiveConsumer());
    q.consume("first", 1, AckMode.CLIENT_INDIVIDUAL);
    q.consume("second", 1, AckMode.CLIENT_INDIVIDUAL);
    assertEquals("first", q.singleActiveConsumer());
    q.cancel("first");
    assertEquals("second", q.singleActiveConsumer());
    q.cancel("second");
    assertNull(q.singleActiveConsumer());
  }

  @Test
  void aQueueWithoutSingleActiveConsumerNamesNone() {
    var q = queue(Map.of());
    q.consume("first", 1, AckMode.CLIENT_INDIVIDUAL);
    assertNull(q.singleActiveConsumer());
  }
}
