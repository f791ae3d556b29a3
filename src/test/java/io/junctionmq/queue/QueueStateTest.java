package io.junctionmq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueStateTest {

  static Message msg(String body) {
    return new Message("", "q", MessageProperties.PERSISTENT, body.getBytes(StandardCharsets.UTF_8));
  }

  static List<Effect.Deliver> deliveries(Result<?> result) {
    var out = new ArrayList<Effect.Deliver>();
    for (Effect e : result.effects()) {
      if (e instanceof Effect.Deliver d) {
        out.add(d);
      }
    }
    return out;
  }

  static String body(Effect.Deliver d) {
    return new String(d.message().message().body(), StandardCharsets.UTF_8);
  }

  static QueuedMessage accepted(Result<Enqueued> result) {
    return assertInstanceOf(QueuedMessage.class, result.reply());
  }

  @Test
  void enqueueWithoutConsumersRepliesWithTheMessageToStoreAndKeepsItReady() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    var r = q.enqueue(msg("a"));
    assertTrue(accepted(r).durable());
    assertEquals(1, accepted(r).seq());
    assertTrue(r.effects().isEmpty(), "nothing to deliver");
    assertEquals(1, q.messagesReady());
  }

  @Test
  void aMessageEnqueuedAgainAfterAnOwnerRefusedItIsFlaggedRedeliveredAndAFreshOneIsNot() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    q.consume("c", 2, AckMode.CLIENT_INDIVIDUAL);
    var fresh = deliveries(q.enqueue(msg("fresh")));
    var again = deliveries(q.enqueue(msg("again"), true));
    assertFalse(fresh.get(0).message().redelivered());
    assertTrue(again.get(0).message().redelivered());
    assertEquals(2, again.get(0).message().deliveryCount());
  }

  @Test
  void whileTheStoreFailsOnlyStoredMessagesAreDelivered() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    q.consume("c", 10, AckMode.CLIENT_INDIVIDUAL);
    QueuedMessage first = accepted(q.enqueue(msg("first")));
    q.storeFailed(first);
    var second = q.enqueue(msg("second"));
    assertTrue(deliveries(second).isEmpty(), "its write will likely fail too: it waits for it");
    var stored = deliveries(q.stored(accepted(second).seq()));
    assertEquals(List.of("second"), stored.stream().map(QueueStateTest::body).toList());
    assertEquals(1, deliveries(q.enqueue(msg("third"))).size(), "the store works again: delivered at once");
  }

  @Test
  void transientMessageInDurableQueueIsNotDurable() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    var m = new Message("", "q", MessageProperties.TRANSIENT, new byte[1]);
    assertFalse(accepted(q.enqueue(m)).durable());
  }

  @Test
  void consumerGetsBacklogInFifoOrderUpToItsPrefetch() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    for (int i = 0; i < 5; i++) {
      q.enqueue(msg("m" + i));
    }
    var ds = deliveries(q.consume("c1", 3, AckMode.CLIENT_INDIVIDUAL));
    assertEquals(List.of("m0", "m1", "m2"), ds.stream().map(QueueStateTest::body).toList());
    assertEquals(List.of(1L, 2L, 3L), ds.stream().map(Effect.Deliver::deliveryTag).toList());
    assertEquals(2, q.messagesReady());
    assertEquals(3, q.messagesUnacknowledged());
  }

  @Test
  void roundRobinBetweenConsumersWithPrefetchOne() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    q.consume("a", 1, AckMode.CLIENT_INDIVIDUAL);
    q.consume("b", 1, AckMode.CLIENT_INDIVIDUAL);
    var first = deliveries(q.enqueue(msg("1")));
    var second = deliveries(q.enqueue(msg("2")));
    var third = deliveries(q.enqueue(msg("3")));
    assertEquals("a", first.get(0).consumerTag());
    assertEquals("b", second.get(0).consumerTag());
    assertTrue(third.isEmpty(), "both consumers are at their prefetch");
    var afterAck = deliveries(q.ack("b", 1, false));
    assertEquals("b", afterAck.get(0).consumerTag());
    assertEquals("3", body(afterAck.get(0)));
  }

  @Test
  void requeuedMessageGoesBackToItsPlaceAtTheHeadRedelivered() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    for (int i = 0; i < 3; i++) {
      q.enqueue(msg("m" + i));
    }
    q.consume("c", 1, AckMode.CLIENT_INDIVIDUAL);
    var again = deliveries(q.nack("c", 1, false, true));
    assertEquals("m0", body(again.get(0)));
    assertTrue(again.get(0).message().redelivered());
    assertEquals(2, again.get(0).message().deliveryCount());
  }

  @Test
  void requeueOfSeveralKeepsSeqOrderBeforeTheRest() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    for (int i = 0; i < 6; i++) {
      q.enqueue(msg("m" + i));
    }
    q.consume("c", 3, AckMode.CLIENT_INDIVIDUAL);
    q.nack("c", 3, false, true);
    q.nack("c", 1, false, true);
    q.cancel("c");
    var ds = deliveries(q.consume("d", 10, AckMode.CLIENT_INDIVIDUAL));
    assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m5"), ds.stream().map(QueueStateTest::body).toList());
  }

  @Test
  void nackWithoutRequeueRemovesTheMessage() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    q.enqueue(msg("x"));
    q.consume("c", 1, AckMode.CLIENT_INDIVIDUAL);
    var r = q.nack("c", 1, false, false);
    assertInstanceOf(Effect.Remove.class, r.effects().get(0));
    assertEquals(1, r.reply());
    assertEquals(0, q.messagesReady() + q.messagesUnacknowledged());
  }

  @Test
  void clientAckIsCumulative() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    for (int i = 0; i < 4; i++) {
      q.enqueue(msg("m" + i));
    }
    q.consume("c", 10, AckMode.CLIENT);
    var r = q.ack("c", 3, false);
    assertEquals(3, r.effects().stream().filter(e -> e instanceof Effect.Remove).count());
    assertEquals(3, r.reply(), "the reply counts what the ack settled");
    assertEquals(1, q.messagesUnacknowledged());
  }

  @Test
  void clientIndividualAckSettlesOnlyItsDelivery() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    for (int i = 0; i < 4; i++) {
      q.enqueue(msg("m" + i));
    }
    q.consume("c", 10, AckMode.CLIENT_INDIVIDUAL);
    q.ack("c", 3, false);
    assertEquals(3, q.messagesUnacknowledged());
    q.ack("c", 4, true);
    assertEquals(0, q.messagesUnacknowledged());
  }

  @Test
  void ackOfAnUnknownDeliveryTagFailsAndChangesNothing() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    q.enqueue(msg("x"));
    q.consume("c", 1, AckMode.CLIENT_INDIVIDUAL);
    var e = assertThrows(JunctionException.class, () -> q.ack("c", 99, false));
    assertEquals(ErrorCode.UNKNOWN_DELIVERY_TAG, e.code());
    assertEquals(1, q.messagesUnacknowledged());
  }

  @Test
  void cancelReturnsUnackedMessagesAndSignalsLastConsumerGone() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    q.enqueue(msg("a"));
    q.enqueue(msg("b"));
    q.consume("c", 5, AckMode.CLIENT);
    var effects = q.cancel("c").effects();
    assertTrue(effects.stream().anyMatch(e -> e instanceof Effect.LastConsumerGone));
    assertEquals(2, q.messagesReady());
    assertEquals(0, q.messagesUnacknowledged());
    var ds = deliveries(q.consume("d", 5, AckMode.CLIENT));
    assertTrue(ds.stream().allMatch(d -> d.message().redelivered()));
  }

  @Test
  void autoAckDeliveryRemovesAndWaitsForCredit() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    for (int i = 0; i < 5; i++) {
      q.enqueue(msg("m" + i));
    }
    var r = q.consume("c", 2, AckMode.AUTO);
    assertEquals(2, deliveries(r).size());
    assertEquals(2, r.effects().stream().filter(e -> e instanceof Effect.Remove).count());
    assertEquals(0, q.messagesUnacknowledged());
    assertEquals(2, deliveries(q.credit("c", 2)).size());
  }

  @Test
  void autoAckConsumerCannotAck() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    q.enqueue(msg("a"));
    q.consume("c", 1, AckMode.AUTO);
    var e = assertThrows(JunctionException.class, () -> q.ack("c", 1, false));
    assertEquals(ErrorCode.PRECONDITION_FAILED, e.code());
  }

  @Test
  void purgeRemovesReadyButKeepsUnacked() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    for (int i = 0; i < 5; i++) {
      q.enqueue(msg("m" + i));
    }
    q.consume("c", 2, AckMode.CLIENT_INDIVIDUAL);
    q.cancel("c");
    q.consume("c2", 2, AckMode.CLIENT_INDIVIDUAL);
    var r = q.purge();
    assertEquals(3, r.reply());
    var purge = (Effect.PurgeStore) r.effects().get(0);
    assertEquals(2, purge.keep().length);
    assertEquals(0, q.messagesReady());
    assertEquals(2, q.messagesUnacknowledged());
  }

  @Test
  void messagesBeyondTheWindowStayInTheTailAndArePagedIn() {
    var q = new QueueState(new QueueLimits(4, 1 << 20, 10, 100), true);
    var stored = new ArrayList<QueuedMessage>();
    for (int i = 0; i < 10; i++) {
      stored.add(accepted(q.enqueue(msg("m" + i))));
    }
    assertEquals(10, q.messagesReady());
    assertEquals(4, q.inMemory());
    q.stored(10);
    var effects = q.consume("c", 100, AckMode.AUTO);
    assertEquals(4, deliveries(effects).size());
    var pageIn = effects.effects().stream().filter(e -> e instanceof Effect.PageIn).map(e -> (Effect.PageIn) e).findFirst().orElseThrow();
    assertEquals(4, pageIn.afterSeq());
    assertEquals(10, pageIn.upToSeq());
    assertEquals(4, pageIn.limit());
    var page = stored.subList(4, 8);
    var next = q.pagedIn(pageIn.generation(), page, pageIn.upToSeq(), false);
    assertEquals(List.of("m4", "m5", "m6", "m7"), deliveries(next).stream().map(QueueStateTest::body).toList());
    var pageIn2 = next.effects().stream().filter(e -> e instanceof Effect.PageIn).map(e -> (Effect.PageIn) e).findFirst().orElseThrow();
    assertEquals(8, pageIn2.afterSeq());
    var last = q.pagedIn(pageIn2.generation(), stored.subList(8, 10), pageIn2.upToSeq(), true);
    assertEquals(List.of("m8", "m9"), deliveries(last).stream().map(QueueStateTest::body).toList());
    assertEquals(0, q.messagesReady());
  }

  @Test
  void pageInWaitsUntilTheTailIsStored() {
    var q = new QueueState(new QueueLimits(2, 1 << 20, 10, 100), true);
    for (int i = 0; i < 5; i++) {
      q.enqueue(msg("m" + i));
    }
    var effects = q.consume("c", 100, AckMode.AUTO).effects();
    assertTrue(effects.stream().noneMatch(e -> e instanceof Effect.PageIn), "nothing beyond the window is stored yet");
    var afterStore = q.stored(5);
    var pageIn = (Effect.PageIn) afterStore.effects().get(0);
    assertEquals(2, pageIn.afterSeq());
    assertEquals(5, pageIn.upToSeq());
  }

  @Test
  void pageInResultFromBeforeAPurgeIsIgnored() {
    var q = new QueueState(new QueueLimits(2, 1 << 20, 10, 100), true);
    var stored = new ArrayList<QueuedMessage>();
    for (int i = 0; i < 6; i++) {
      stored.add(accepted(q.enqueue(msg("m" + i))));
    }
    q.stored(6);
    var pageIn = q.consume("c", 100, AckMode.AUTO).effects().stream()
        .filter(e -> e instanceof Effect.PageIn).map(e -> (Effect.PageIn) e).findFirst().orElseThrow();
    q.purge();
    var effects = q.pagedIn(pageIn.generation(), stored.subList(2, 4), pageIn.upToSeq(), false);
    assertTrue(deliveries(effects).isEmpty());
    assertEquals(0, q.messagesReady());
  }

  @Test
  void recoveredMessagesUpToTheDeliveredUpToAreRedelivered() {
    var q = new QueueState(QueueLimits.DEFAULT, QueuePolicy.NONE, System::currentTimeMillis, true, 11, 10, 10_000, 4);
    assertEquals(10, q.messagesReady());
    var pageIn = (Effect.PageIn) q.consume("c", 100, AckMode.CLIENT).effects().get(0);
    assertEquals(0, pageIn.afterSeq());
    assertEquals(10, pageIn.upToSeq());
    var page = new ArrayList<QueuedMessage>();
    for (int s = 1; s <= 10; s++) {
      page.add(q.recovered(s, msg("m" + s), true, QueuePolicy.NEVER));
    }
    var ds = deliveries(q.pagedIn(pageIn.generation(), page, 10, true));
    assertEquals(10, ds.size());
    assertTrue(ds.get(3).message().redelivered());
    assertFalse(ds.get(4).message().redelivered());
    assertEquals(11, accepted(q.enqueue(msg("new"))).seq());
  }

  @Test
  void duplicateConsumerTagIsRejected() {
    var q = new QueueState(QueueLimits.DEFAULT, false);
    q.consume("c", 1, AckMode.AUTO);
    assertThrows(JunctionException.class, () -> q.consume("c", 1, AckMode.AUTO));
  }
}
