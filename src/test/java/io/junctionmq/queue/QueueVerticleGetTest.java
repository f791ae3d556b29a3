package io.junctionmq.queue;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Got;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
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

/** {@link QueueVerticle#get} on a real Vert.x, against a store whose reads the test can hold. */
class QueueVerticleGetTest {
  private Vertx vertx;
  private HeldReads store;
  private QueueVerticle queue;

  @BeforeEach
  void deploy() {
    vertx = Vertx.vertx();
    store = new HeldReads();
    queue = new QueueVerticle("q", 1, 1, true, new QueueLimits(2, 1 << 20, 10, 100), QueuePolicy.NONE, store,
        new InMemoryMessageStore(), letter -> Future.succeededFuture(), () -> { });
    vertx.deployVerticle(queue).await();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private void publish(String... bodies) {
    for (String body : bodies) {
      queue.enqueue(new Message("", "q", MessageProperties.PERSISTENT, body.getBytes(StandardCharsets.UTF_8))).await();
    }
  }

  private static String body(Got got) {
    return new String(got.delivery().message().body(), StandardCharsets.UTF_8);
  }

  private long stored() {
    return store.stats(1).await().messages();
  }

  @Test
  void aGetOnAnEmptyQueueCompletesEmpty() {
    Got got = queue.get("g", AckMode.CLIENT_INDIVIDUAL).await();
    assertTrue(got.isEmpty());
    assertNull(got.delivery());
    assertEquals(0, got.messageCount());
  }

  @Test
  void anAutoGetCompletesWithTheHeadAndRemovesItFromTheStore() {
    publish("a", "b");
    Got got = queue.get("g", AckMode.AUTO).await();
    assertEquals("a", body(got));
    assertEquals("g", got.delivery().consumerTag());
    assertEquals("q", got.delivery().queue());
    assertFalse(got.delivery().redelivered());
    assertEquals(1, got.messageCount());
    await().atMost(Duration.ofSeconds(5)).until(() -> stored() == 1);
    assertEquals(0, queue.stats().messagesUnacknowledged());
    assertEquals(1, queue.stats().delivered());
  }

  @Test
  void aManualGetIsHeldUnacknowledgedUntilItsHolderAcksIt() {
    publish("a");
    Got got = queue.get("g", AckMode.CLIENT_INDIVIDUAL).await();
    assertEquals(1, queue.stats().messagesUnacknowledged());
    assertEquals(0, queue.stats().consumers(), "a holder of gets is no consumer");
    assertEquals(1, stored());
    queue.ack("g", got.delivery().deliveryTag(), false).await();
    assertEquals(0, stored(), "the ack is confirmed once its message is removed");
    assertEquals(1, queue.stats().acknowledged());
  }

  @Test
  void cancellingTheHolderReturnsItsMessageRedelivered() {
    publish("a");
    queue.get("g", AckMode.CLIENT).await();
    queue.cancel("g").await();
    Got again = queue.get("h", AckMode.CLIENT).await();
    assertEquals("a", body(again));
    assertTrue(again.delivery().redelivered());
    assertEquals(2, again.delivery().deliveryCount());
  }

  @Test
  void aGetWaitsForThePageInOfTheTail() {
    publish("m0", "m1", "m2", "m3", "m4");
    store.holdReads = true;
    assertEquals("m0", body(queue.get("g", AckMode.AUTO).await()));
    assertEquals("m1", body(queue.get("g", AckMode.AUTO).await()));
    Future<Got> third = queue.get("g", AckMode.AUTO);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.heldReads.size() == 1);
    assertFalse(third.isComplete(), "answered before the tail was read");
    store.heldReads.get(0).complete();
    await().atMost(Duration.ofSeconds(5)).until(third::isComplete);
    assertEquals("m2", body(third.result()));
    assertEquals(2, third.result().messageCount());
  }

  @Test
  void aGetWhosePageInDoesNotComeInTimeFailsStoreUnavailable() {
    publish("m0", "m1", "m2");
    store.holdReads = true;
    queue.get("g", AckMode.AUTO).await();
    queue.get("g", AckMode.AUTO).await();
    Future<Got> third = queue.get("g", AckMode.AUTO);
    await().atMost(Duration.ofSeconds(QueueGets.PAGE_IN_WAIT_MS / 1000 + 5)).until(third::isComplete);
    assertTrue(third.failed());
    assertEquals(ErrorCode.STORE_UNAVAILABLE, ((JunctionException) third.cause()).code());
  }

  @Test
  void aQueueBeingHandedOverGivesNothingToAGet() {
    publish("a");
    queue.drain(1000).await();
    Got got = queue.get("g", AckMode.AUTO).await();
    assertTrue(got.isEmpty());
    assertEquals(1, got.messageCount(), "the message stays for the next owner");
  }

  @Test
  void aGetWaitingForAPageInFailsQueueUnavailableWhenTheQueueIsDeleted() {
    publish("m0", "m1", "m2");
    store.holdReads = true;
    queue.get("g", AckMode.AUTO).await();
    queue.get("g", AckMode.AUTO).await();
    Future<Got> third = queue.get("g", AckMode.AUTO);
    await().atMost(Duration.ofSeconds(5)).until(() -> store.heldReads.size() == 1);
    queue.delete("deleted").await();
    await().atMost(Duration.ofSeconds(5)).until(third::isComplete);
    assertEquals(ErrorCode.QUEUE_UNAVAILABLE, ((JunctionException) third.cause()).code());
  }

  /** An in-memory store whose reads, once asked, wait until the test completes them. */
  private static final class HeldReads extends ForwardingMessageStore {
    final List<Promise<Void>> heldReads = new CopyOnWriteArrayList<>();
    volatile boolean holdReads;

    HeldReads() {
      super(new InMemoryMessageStore());
    }

    @Override
    public Future<List<StoredMessage>> read(long queueId, long afterSeq, long upToSeq, int limit) {
      if (!holdReads) {
        return inner.read(queueId, afterSeq, upToSeq, limit);
      }
      Promise<Void> p = Promise.promise();
      heldReads.add(p);
      return p.future().compose(v -> inner.read(queueId, afterSeq, upToSeq, limit));
    }
  }
}
