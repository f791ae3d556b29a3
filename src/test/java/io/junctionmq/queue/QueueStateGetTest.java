package io.junctionmq.queue;

import static io.junctionmq.queue.QueueStateTest.accepted;
import static io.junctionmq.queue.QueueStateTest.deliveries;
import static io.junctionmq.queue.QueueStateTest.msg;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.QueueArguments;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A get (AMQP's basic.get) takes the head of the queue; with a manual ack mode its holder holds it. */
class QueueStateGetTest {
  private final AtomicLong now = new AtomicLong(1_000_000);

  private QueueState queue(Map<String, Object> args) {
    return new QueueState(QueueLimits.DEFAULT, QueuePolicy.of(QueueArguments.parse(args)), now::get, true);
  }

  private static GetReply.Taken taken(Result<GetReply> r) {
    return assertInstanceOf(GetReply.Taken.class, r.reply());
  }

  private static String body(GetReply.Taken t) {
    return new String(t.message().message().body(), StandardCharsets.UTF_8);
  }

  private static boolean signalsLastConsumerGone(Result<?> r) {
    return r.effects().stream().anyMatch(e -> e instanceof Effect.LastConsumerGone);
  }

  @Test
  void aGetOnAnEmptyQueueRepliesEmpty() {
    var q = queue(Map.of());
    var r = q.get("g", AckMode.CLIENT_INDIVIDUAL);
    assertEquals(new GetReply.Empty(0), r.reply());
    assertTrue(r.effects().isEmpty());
    assertEquals(0, q.messagesUnacknowledged());
  }

  @Test
  void anAutoGetTakesTheHeadAndSettlesItAtOnce() {
    var q = queue(Map.of());
    q.enqueue(msg("first"));
    q.enqueue(msg("second"));
    var r = q.get("g", AckMode.AUTO);
    var t = taken(r);
    assertEquals("first", body(t));
    assertEquals("g", t.holderTag());
    assertEquals(1, t.messageCount(), "AMQP's message-count: the ready messages left");
    assertEquals(List.of(new Effect.Remove(t.message())), r.effects());
    assertEquals(1, t.message().deliveryCount());
    assertEquals(0, q.messagesUnacknowledged());
    assertEquals(1, q.deliveredUpTo(), "a get counts as a delivery for the redelivered flag after a restart");
  }

  @Test
  void aManualGetIsHeldUntilItsHolderAcksIt() {
    var q = queue(Map.of());
    q.enqueue(msg("a"));
    var t = taken(q.get("g", AckMode.CLIENT_INDIVIDUAL));
    assertTrue(q.get("g", AckMode.CLIENT_INDIVIDUAL).reply() instanceof GetReply.Empty);
    assertEquals(1, q.messagesUnacknowledged());
    var ack = q.ack("g", t.deliveryTag(), false);
    assertEquals(1, ack.reply());
    assertEquals(List.of(new Effect.Remove(t.message())), ack.effects());
    assertEquals(0, q.messagesReady() + q.messagesUnacknowledged());
  }

  @Test
  void eachGetOfAHolderHasItsOwnDeliveryTag() {
    var q = queue(Map.of());
    q.enqueue(msg("a"));
    q.enqueue(msg("b"));
    var first = taken(q.get("g", AckMode.CLIENT_INDIVIDUAL));
    var second = taken(q.get("g", AckMode.CLIENT_INDIVIDUAL));
    assertFalse(first.deliveryTag() == second.deliveryTag());
    q.ack("g", second.deliveryTag(), false);
    assertEquals(1, q.messagesUnacknowledged(), "client-individual settles its own delivery only");
    var e = assertThrows(JunctionException.class, () -> q.ack("g", second.deliveryTag(), false));
    assertEquals(ErrorCode.UNKNOWN_DELIVERY_TAG, e.code());
  }

  @Test
  void aManualGetNackedWithRequeueComesBackRedeliveredToTheNextGet() {
    var q = queue(Map.of());
    q.enqueue(msg("a"));
    q.enqueue(msg("b"));
    var t = taken(q.get("g", AckMode.CLIENT));
    var nack = q.nack("g", t.deliveryTag(), false, true);
    assertTrue(nack.effects().isEmpty(), "requeued: nothing to remove");
    assertEquals(2, q.messagesReady());
    var again = taken(q.get("other", AckMode.CLIENT));
    assertEquals("a", body(again), "back at its place at the head");
    assertTrue(again.message().redelivered());
    assertEquals(2, again.message().deliveryCount());
  }

  @Test
  void aGetTakesReturnedMessagesFirst() {
    var q = queue(Map.of());
    for (int i = 0; i < 3; i++) {
      q.enqueue(msg("m" + i));
    }
    q.consume("c", 2, AckMode.CLIENT_INDIVIDUAL);
    q.cancel("c");
    var t = taken(q.get("g", AckMode.AUTO));
    assertEquals("m0", body(t));
    assertTrue(t.message().redelivered());
    assertEquals(2, t.messageCount());
  }

  @Test
  void cancellingAHolderRequeuesWhatItHolds() {
    var q = queue(Map.of());
    q.enqueue(msg("a"));
    q.enqueue(msg("b"));
    q.get("g", AckMode.CLIENT_INDIVIDUAL);
    q.get("g", AckMode.CLIENT_INDIVIDUAL);
    var cancel = q.cancel("g");
    assertFalse(signalsLastConsumerGone(cancel));
    assertEquals(2, q.messagesReady());
    assertEquals(0, q.messagesUnacknowledged());
    var ds = deliveries(q.consume("c", 10, AckMode.CLIENT_INDIVIDUAL));
    assertEquals(List.of("a", "b"), ds.stream().map(QueueStateTest::body).toList());
    assertTrue(ds.stream().allMatch(d -> d.message().redelivered()));
  }

  @Test
  void aHolderIsNoConsumerAndIsNeverPushedTo() {
    var q = queue(Map.of());
    q.enqueue(msg("a"));
    q.get("g", AckMode.CLIENT_INDIVIDUAL);
    assertEquals(0, q.consumerCount(), "RabbitMQ does not count basic.get as a consumer");
    assertTrue(deliveries(q.enqueue(msg("b"))).isEmpty());
    assertEquals(1, q.messagesReady());
    var e = assertThrows(JunctionException.class, () -> q.consume("g", 1, AckMode.AUTO));
    assertEquals(ErrorCode.PRECONDITION_FAILED, e.code());
  }

  @Test
  void holdersNeverSignalThatTheLastConsumerIsGone() {
    var q = queue(Map.of());
    q.enqueue(msg("a"));
    q.enqueue(msg("b"));
    q.consume("c", 1, AckMode.CLIENT_INDIVIDUAL);
    var got = q.get("g", AckMode.CLIENT_INDIVIDUAL);
    assertFalse(signalsLastConsumerGone(got));
    assertFalse(signalsLastConsumerGone(q.ack("g", taken(got).deliveryTag(), false)), "its holder is dropped");
    assertTrue(signalsLastConsumerGone(q.cancel("c")), "the consumer was the last one");
  }

  @Test
  void theLastConsumerLeavingSignalsItEvenWhileAHolderHoldsMessages() {
    var q = queue(Map.of());
    q.enqueue(msg("a"));
    q.consume("c", 1, AckMode.CLIENT_INDIVIDUAL);
    q.enqueue(msg("b"));
    q.get("g", AckMode.CLIENT_INDIVIDUAL);
    assertTrue(signalsLastConsumerGone(q.cancel("c")));
    assertFalse(signalsLastConsumerGone(q.cancel("g")));
  }

  @Test
  void aGetWithAConsumersTagOrAnotherAckModeOfAHolderFails() {
    var q = queue(Map.of());
    q.enqueue(msg("a"));
    q.enqueue(msg("b"));
    q.consume("c", 1, AckMode.CLIENT_INDIVIDUAL);
    var e = assertThrows(JunctionException.class, () -> q.get("c", AckMode.CLIENT_INDIVIDUAL));
    assertEquals(ErrorCode.PRECONDITION_FAILED, e.code());
    q.get("g", AckMode.CLIENT);
    e = assertThrows(JunctionException.class, () -> q.get("g", AckMode.CLIENT_INDIVIDUAL));
    assertEquals(ErrorCode.PRECONDITION_FAILED, e.code());
    assertEquals(0, q.messagesReady(), "b went to the consumer");
  }

  @Test
  void aHolderTakesNoPartInSingleActiveConsumer() {
    var q = queue(Map.of("x-single-active-consumer", true));
    q.enqueue(msg("a"));
    q.get("g", AckMode.CLIENT_INDIVIDUAL);
    var ds = deliveries(q.consume("c", 1, AckMode.CLIENT_INDIVIDUAL));
    assertTrue(ds.isEmpty());
    assertEquals("c", deliveries(q.enqueue(msg("b"))).get(0).consumerTag(), "the consumer is the active one");
  }

  @Test
  void aGetReturnedMoreOftenThanTheDeliveryLimitIsDeadLettered() {
    var q = queue(Map.of("x-delivery-limit", 1, "x-dead-letter-exchange", "dlx"));
    q.enqueue(msg("poison"));
    q.nack("g", taken(q.get("g", AckMode.CLIENT_INDIVIDUAL)).deliveryTag(), false, true);
    var second = taken(q.get("g", AckMode.CLIENT_INDIVIDUAL));
    var nack = q.nack("g", second.deliveryTag(), false, true);
    var letter = assertInstanceOf(Effect.DeadLetter.class, nack.effects().get(0));
    assertEquals(QueuePolicy.Reason.DELIVERY_LIMIT, letter.reason());
    assertEquals(new GetReply.Empty(0), q.get("g", AckMode.CLIENT_INDIVIDUAL).reply());
  }

  @Test
  void aGetRejectedWithoutRequeueIsADeadLetter() {
    var q = queue(Map.of("x-dead-letter-exchange", "dlx"));
    q.enqueue(msg("x"));
    var t = taken(q.get("g", AckMode.CLIENT_INDIVIDUAL));
    var letter = assertInstanceOf(Effect.DeadLetter.class, q.nack("g", t.deliveryTag(), false, false).effects().get(0));
    assertEquals(QueuePolicy.Reason.REJECTED, letter.reason());
    assertEquals(0, q.messagesReady() + q.messagesUnacknowledged());
  }

  @Test
  void anExpiredHeadLeavesBeforeAGet() {
    var q = queue(Map.of("x-message-ttl", 10, "x-dead-letter-exchange", "dlx"));
    q.enqueue(msg("old"));
    now.addAndGet(5);
    q.enqueue(msg("new"));
    now.addAndGet(6);
    var r = q.get("g", AckMode.AUTO);
    assertEquals("new", body(taken(r)));
    var letter = assertInstanceOf(Effect.DeadLetter.class, r.effects().get(0));
    assertEquals(QueuePolicy.Reason.EXPIRED, letter.reason());
  }

  @Test
  void aQueueBeingHandedOverGivesNothingToAGet() {
    var q = queue(Map.of());
    q.enqueue(msg("a"));
    q.hold();
    var r = q.get("g", AckMode.AUTO);
    assertEquals(new GetReply.Empty(1), r.reply(), "the message stays for the next owner");
    assertTrue(r.effects().isEmpty());
  }

  @Test
  void aPurgeKeepsWhatAHolderHolds() {
    var q = queue(Map.of());
    q.enqueue(msg("a"));
    q.enqueue(msg("b"));
    var t = taken(q.get("g", AckMode.CLIENT_INDIVIDUAL));
    var purge = q.purge();
    assertEquals(1, purge.reply());
    var store = assertInstanceOf(Effect.PurgeStore.class, purge.effects().get(0));
    assertEquals(2, store.upToSeq());
    assertArrayEquals(new long[] {t.message().seq()}, store.keep(), "the held message stays stored");
    assertEquals(1, q.messagesUnacknowledged());
  }

  @Test
  void aGetWhoseReadyMessagesAreAllInTheTailWaitsForThePageIn() {
    var q = new QueueState(new QueueLimits(2, 1 << 20, 10, 100), true);
    var stored = new ArrayList<QueuedMessage>();
    for (int i = 0; i < 5; i++) {
      stored.add(accepted(q.enqueue(msg("m" + i))));
    }
    assertEquals("m0", body(taken(q.get("g", AckMode.AUTO))));
    assertEquals("m1", body(taken(q.get("g", AckMode.AUTO))));
    var waiting = q.get("g", AckMode.AUTO);
    assertEquals(GetReply.PAGING_IN, waiting.reply(), "three are ready, in the tail, not stored yet");
    assertTrue(waiting.effects().isEmpty(), "a page reads only what is stored");
    var pageIn = assertInstanceOf(Effect.PageIn.class, q.stored(5).effects().get(0));
    assertEquals(GetReply.PAGING_IN, q.get("g", AckMode.AUTO).reply());
    assertTrue(q.get("g", AckMode.AUTO).effects().isEmpty(), "one page-in at a time");
    q.pagedIn(pageIn.generation(), stored.subList(2, 4), pageIn.upToSeq(), false);
    var t = taken(q.get("g", AckMode.AUTO));
    assertEquals("m2", body(t));
    assertEquals(2, t.messageCount());
  }
}
