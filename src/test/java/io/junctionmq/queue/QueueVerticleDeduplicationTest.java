package io.junctionmq.queue;

import static io.junctionmq.queue.DeduplicationTest.withId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.QueueArguments;
import io.junctionmq.store.ForwardingMessageStore;
import io.junctionmq.store.InMemoryMessageStore;
import io.junctionmq.store.RememberedId;
import io.junctionmq.store.StoreException;
import io.junctionmq.store.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A deduplicating queue's owner: what it stores, confirms, delivers and counts for repeated message ids. */
class QueueVerticleDeduplicationTest {
  private static final QueuePolicy DEDUP = QueuePolicy.of(QueueArguments.parse(
      Map.of("x-message-deduplication", true, "x-deduplication-window", 60_000)));

  private Vertx vertx;
  private final IdStore store = new IdStore();
  private final List<Delivery> delivered = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private QueueVerticle deploy(QueuePolicy policy) {
    var queue = new QueueVerticle("q", 1, 1, true, QueueLimits.DEFAULT, policy, store, new InMemoryMessageStore(),
        letter -> Future.succeededFuture(), () -> { });
    vertx.deployVerticle(queue).await();
    return queue;
  }

  private void consume(QueueVerticle queue) {
    queue.consume("c", 10, AckMode.AUTO, vertx.getOrCreateContext(), new DeliverySink() {
      @Override
      public void deliver(List<Delivery> deliveries) {
        delivered.addAll(deliveries);
      }

      @Override
      public void cancelled(String reason) {
      }
    }).await();
  }

  @Test
  void aRepeatedIdIsConfirmedButNeitherStoredNorDeliveredAndIsCounted() {
    var queue = deploy(DEDUP);
    consume(queue);
    long before = System.currentTimeMillis();
    queue.enqueue(withId("a")).await();
    queue.enqueue(withId("a")).await();
    queue.enqueue(withId("b")).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> delivered.size() == 2);
    assertEquals(List.of("a", "b"), store.ids);
    assertTrue(store.expireAt.get(0) >= before + 60_000, "the id is stored for the window");
    assertEquals(2, queue.stats().published());
    assertEquals(1, queue.stats().deduplicated());
    assertEquals(List.of("a", "b"), delivered.stream().map(d -> d.message().properties().messageId()).toList());
  }

  @Test
  void anIdIsRememberedAfterItsMessageWasConsumed() {
    var queue = deploy(DEDUP);
    consume(queue);
    queue.enqueue(withId("a")).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> queue.stats().messages() == 0);
    queue.enqueue(withId("a")).await();
    assertEquals(1, queue.stats().published());
    assertEquals(1, delivered.size());
  }

  @Test
  void aTransientMessagesIdIsRememberedOnlyInMemory() {
    var queue = deploy(DEDUP);
    Message transientOne = new Message("", "q", MessageProperties.builder().messageId("t").build(), new byte[0]);
    queue.enqueue(transientOne).await();
    queue.enqueue(transientOne).await();
    assertEquals(1, queue.stats().messagesReady());
    assertEquals(1, queue.stats().deduplicated());
    assertEquals(List.of(), store.ids);
  }

  @Test
  void aQueueWithoutDeduplicationStoresEveryCopy() {
    var queue = deploy(QueuePolicy.NONE);
    queue.enqueue(withId("a")).await();
    queue.enqueue(withId("a")).await();
    assertEquals(2, queue.stats().messagesReady());
    assertEquals(0, queue.stats().deduplicated());
    assertEquals(List.of(), store.ids);
  }

  @Test
  void aPublishWhoseStoreFailedIsAcceptedWhenRetried() {
    var queue = deploy(DEDUP);
    store.failAppends = true;
    assertTrue(awaitFailed(queue.enqueue(withId("a"))));
    store.failAppends = false;
    queue.enqueue(withId("a")).await();
    assertEquals(1, queue.stats().messagesReady());
    assertEquals(0, queue.stats().deduplicated());
  }

  @Test
  void aRepeatWhileItsOriginalIsBeingStoredSharesTheOriginalsOutcome() {
    var queue = deploy(DEDUP);
    store.failAppends = true;
    Future<Void> original = queue.enqueue(withId("a"));
    Future<Void> repeat = queue.enqueue(withId("a"));
    assertTrue(awaitFailed(original));
    assertTrue(awaitFailed(repeat), "a repeat is not confirmed for an original that was not stored");
    assertEquals(0, queue.stats().deduplicated(), "nor counted as deduplicated");
    store.failAppends = false;
    queue.enqueue(withId("a")).await();
    queue.enqueue(withId("a")).await();
    assertEquals(1, queue.stats().messagesReady());
    assertEquals(1, queue.stats().deduplicated());
  }

  @Test
  void aNewOwnerRefusesTheIdsThePreviousOwnerStored() {
    store.remembered = List.of(new RememberedId("a", System.currentTimeMillis() + 60_000));
    var queue = deploy(DEDUP);
    queue.enqueue(withId("a")).await();
    queue.enqueue(withId("b")).await();
    assertEquals(1, queue.stats().messagesReady());
    assertEquals(1, queue.stats().deduplicated());
  }

  private static boolean awaitFailed(Future<Void> f) {
    await().atMost(Duration.ofSeconds(5)).until(f::isComplete);
    return f.failed();
  }

  /** An in-memory store that records the ids it is asked to remember, and fails appends when told. */
  private static final class IdStore extends ForwardingMessageStore {
    final List<String> ids = new CopyOnWriteArrayList<>();
    final List<Long> expireAt = new CopyOnWriteArrayList<>();
    volatile List<RememberedId> remembered = List.of();
    volatile boolean failAppends;

    IdStore() {
      super(new InMemoryMessageStore());
    }

    @Override
    public Future<Void> append(long queueId, long epoch, List<StoredMessage> messages, String[] ids,
                               long idsExpireAt) {
      if (failAppends) {
        return Future.failedFuture(new StoreException("down"));
      }
      for (String id : ids) {
        this.ids.add(id);
        expireAt.add(idsExpireAt);
      }
      return inner.append(queueId, epoch, messages);
    }

    @Override
    public Future<List<RememberedId>> rememberedIds(long queueId, long now) {
      return Future.succeededFuture(remembered);
    }
  }
}
