package io.junctionmq.queue;

import static io.junctionmq.queue.QueueStateTest.deliveries;
import static io.junctionmq.queue.QueueStateTest.msg;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.store.InMemoryMessageStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A durable queue saves its delivered-up-to ahead of its deliveries, so that after any end —
 * a crash included — the next owner flags as redelivered every message that may have been
 * delivered, and only those and at most a step more.
 */
class DeliveredUpToTest {

  @Test
  void deliveriesStopAtTheSavedDeliveredUpToUntilTheHostSavesMore() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    q.reserveAhead(4, 0);
    for (int i = 0; i < 10; i++) {
      q.enqueue(msg("m" + i));
    }
    assertTrue(deliveries(q.consume("c", 10, AckMode.CLIENT_INDIVIDUAL)).isEmpty(), "nothing saved ahead yet");
    assertEquals(5, q.reservationWanted(), "the waiting head (seq 1) and a step");
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(q.reserved(5)));
    assertEquals(10, q.reservationWanted());
    assertEquals(List.of(6L, 7L, 8L, 9L, 10L), seqs(q.reserved(10)));
  }

  @Test
  void theNextSaveIsAskedForHalfAStepBeforeTheDeliveriesReachTheLast() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    q.reserveAhead(10, 10);
    q.consume("c", 100, AckMode.CLIENT_INDIVIDUAL);
    for (int i = 0; i < 5; i++) {
      q.enqueue(msg("m" + i));
    }
    assertEquals(0, q.reservationWanted(), "5 + 5 is not beyond 10");
    q.enqueue(msg("m5"));
    assertEquals(16, q.reservationWanted());
    q.hold();
    assertEquals(0, q.reservationWanted(), "a queue being handed over delivers nothing more");
  }

  @Test
  void aGetBeyondTheSavedDeliveredUpToWaitsForIt() {
    var q = new QueueState(QueueLimits.DEFAULT, true);
    q.reserveAhead(8, 0);
    q.enqueue(msg("m0"));
    assertEquals(GetReply.PAGING_IN, q.get("g", AckMode.AUTO).reply());
    q.reserved(q.reservationWanted());
    assertInstanceOf(GetReply.Taken.class, q.get("g", AckMode.AUTO).reply());
  }

  @Test
  void afterACrashOnlyTheDeliveredMessagesAndAtMostAStepMoreComeBackFlagged() {
    Vertx vertx = Vertx.vertx();
    try {
      var store = new InMemoryMessageStore();
      QueueVerticle first = verticle(store, 1);
      vertx.deployVerticle(first).await();
      var before = new CopyOnWriteArrayList<Delivery>();
      first.consume("c", 10, AckMode.CLIENT_INDIVIDUAL, vertx.getOrCreateContext(), sink(before)).await();
      int total = 3 * QueueVerticle.RESERVE_STEP;
      var confirms = new ArrayList<Future<Void>>();
      for (int i = 0; i < total; i++) {
        confirms.add(first.enqueue(msg("m" + i)));
      }
      Future.all(confirms).await();
      await().atMost(Duration.ofSeconds(5)).until(() -> before.size() == 10);

      // A crash: the verticle goes without a drain, so no exact delivered-up-to is written.
      vertx.undeploy(vertx.deploymentIDs().iterator().next()).await();

      QueueVerticle second = verticle(store, 2);
      vertx.deployVerticle(second).await();
      var after = new CopyOnWriteArrayList<Delivery>();
      second.consume("c2", total, AckMode.AUTO, vertx.getOrCreateContext(), sink(after)).await();
      await().atMost(Duration.ofSeconds(10)).until(() -> after.size() == total);
      long flagged = after.stream().filter(Delivery::redelivered).count();
      assertTrue(after.subList(0, 10).stream().allMatch(Delivery::redelivered), "delivered before the crash: flagged");
      assertTrue(flagged <= 10 + QueueVerticle.RESERVE_STEP, flagged + " flagged");
      assertFalse(after.get(total - 1).redelivered(), "never delivered: not flagged");
    } finally {
      vertx.close().await();
    }
  }

  private static QueueVerticle verticle(InMemoryMessageStore store, long epoch) {
    return new QueueVerticle("q", 1, epoch, true, QueueLimits.DEFAULT, QueuePolicy.NONE, store,
        new InMemoryMessageStore(), letter -> Future.succeededFuture(), () -> { });
  }

  private static DeliverySink sink(List<Delivery> into) {
    return new DeliverySink() {
      @Override
      public void deliver(List<Delivery> deliveries) {
        into.addAll(deliveries);
      }

      @Override
      public void cancelled(String reason) {
      }
    };
  }

  private static List<Long> seqs(Result<?> result) {
    return deliveries(result).stream().map(d -> d.message().seq).toList();
  }
}
