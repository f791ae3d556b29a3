package io.junctionmq.queue;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.store.FencedException;
import io.junctionmq.store.ForwardingMessageStore;
import io.junctionmq.store.InMemoryMessageStore;
import io.junctionmq.store.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An ack is confirmed only once the store no longer holds what it settled: a crash or a
 * takeover right after the confirm cannot bring the message back. Found by
 * ProcessFailoverClusterIT, where a confirmed ack was followed by a redelivery.
 */
class QueueVerticleSettleTest {
  private Vertx vertx;
  private HeldWrites store;
  private QueueVerticle queue;
  private final List<Delivery> delivered = new CopyOnWriteArrayList<>();

  @BeforeEach
  void deploy() {
    vertx = Vertx.vertx();
    store = new HeldWrites();
    queue = new QueueVerticle("q", 1, 1, true, QueueLimits.DEFAULT, QueuePolicy.NONE, store,
        new InMemoryMessageStore(), letter -> Future.succeededFuture(), () -> { });
    vertx.deployVerticle(queue).await();
    queue.consume("c", 10, AckMode.CLIENT_INDIVIDUAL, vertx.getOrCreateContext(), new DeliverySink() {
      @Override
      public void deliver(List<Delivery> deliveries) {
        delivered.addAll(deliveries);
      }

      @Override
      public void cancelled(String reason) {
      }
    }).await();
    queue.enqueue(new Message("", "q", MessageProperties.PERSISTENT, "m".getBytes(StandardCharsets.UTF_8))).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 1);
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void anAckIsConfirmedOnlyOnceItsMessageIsRemovedFromTheStore() {
    Future<Void> ack = queue.ack("c", delivered.get(0).deliveryTag(), false);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.held.size() == 1);
    assertFalse(ack.isComplete(), "confirmed before the removal was stored");
    store.held.get(0).complete();
    await().atMost(Duration.ofSeconds(5)).until(ack::succeeded);
  }

  @Test
  void anAckWhoseRemovalIsFencedFailsQueueUnavailable() {
    Future<Void> ack = queue.ack("c", delivered.get(0).deliveryTag(), false);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.held.size() == 1);
    store.held.get(0).fail(new FencedException(1));
    await().atMost(Duration.ofSeconds(5)).until(ack::isComplete);
    assertTrue(ack.failed());
    assertEquals(ErrorCode.QUEUE_UNAVAILABLE, ((JunctionException) ack.cause()).code());
  }

  /**
   * A queue handed over while a publish's append is in flight: the store fences the append
   * (nothing stored), and the publisher must hear QUEUE_UNAVAILABLE, which the broker retries on
   * the new owner, not the store's own exception. Found by QueueClusterIT's hand-over test.
   */
  @Test
  void aPublishWhoseAppendIsFencedAfterTheQueueStoppedFailsQueueUnavailable() {
    store.holdAppends = true;
    Future<Void> publish = queue.enqueue(new Message("", "q", MessageProperties.PERSISTENT,
        "late".getBytes(StandardCharsets.UTF_8)));
    await().atMost(Duration.ofSeconds(5)).until(() -> store.heldAppends.size() == 1);
    queue.stop().await();
    store.heldAppends.get(0).fail(new FencedException(1));
    await().atMost(Duration.ofSeconds(5)).until(publish::isComplete);
    assertTrue(publish.failed());
    assertEquals(ErrorCode.QUEUE_UNAVAILABLE, ((JunctionException) publish.cause()).code());
  }

  @Test
  void aNackThatRequeuesRemovesNothingAndIsConfirmedAtOnce() {
    queue.nack("c", delivered.get(0).deliveryTag(), false, true).await();
    assertTrue(store.held.isEmpty());
  }

  /** An in-memory store whose removals (and appends, once asked) wait until the test completes or fails them. */
  private static final class HeldWrites extends ForwardingMessageStore {
    final List<Promise<Void>> held = new CopyOnWriteArrayList<>();
    final List<Promise<Void>> heldAppends = new CopyOnWriteArrayList<>();
    volatile boolean holdAppends;

    HeldWrites() {
      super(new InMemoryMessageStore());
    }

    @Override
    public Future<Void> append(long queueId, long epoch, List<StoredMessage> messages) {
      if (!holdAppends) {
        return inner.append(queueId, epoch, messages);
      }
      Promise<Void> p = Promise.promise();
      heldAppends.add(p);
      return p.future().compose(v -> inner.append(queueId, epoch, messages));
    }

    @Override
    public Future<Void> remove(long queueId, long epoch, long[] seqs) {
      Promise<Void> p = Promise.promise();
      held.add(p);
      return p.future().compose(v -> inner.remove(queueId, epoch, seqs));
    }
  }
}
