package io.junctionmq.queue;

import static io.junctionmq.queue.DeduplicationTest.withId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.store.ForwardingMessageStore;
import io.junctionmq.store.InMemoryMessageStore;
import io.junctionmq.store.RememberedId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeduplicationSweepTest {
  private final Vertx vertx = Vertx.vertx();
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Deduplication dedup = new Deduplication(100, now::get);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void startingLoadsTheWindowThePreviousOwnerStored() {
    var store = new Sweeps(List.of(new RememberedId("a", now.get() + 50)));
    new DeduplicationSweep(vertx, dedup, 7, store).start(now.get()).await();
    assertTrue(dedup.duplicate(withId("a")));
  }

  @Test
  void aSweepDeletesExpiredIdsInBatchesUntilABatchIsNotFull() {
    var store = new Sweeps(List.of());
    store.answers.addAll(List.of(DeduplicationSweep.SWEEP_LIMIT, DeduplicationSweep.SWEEP_LIMIT, 3));
    dedup.accept(withId("old"), Future.succeededFuture());
    now.addAndGet(100);
    var sweep = new DeduplicationSweep(vertx, dedup, 7, store);
    sweep.sweep();
    assertEquals(List.of(now.get(), now.get(), now.get()), store.asked);
    assertEquals(0, dedup.size());
  }

  @Test
  void aNonDurableQueueSweepsOnlyItsMemory() {
    dedup.accept(withId("old"), Future.succeededFuture());
    now.addAndGet(100);
    var sweep = new DeduplicationSweep(vertx, dedup, 7, null);
    sweep.start(now.get()).await();
    sweep.sweep();
    assertEquals(0, dedup.size());
    sweep.stop();
  }

  @Test
  void aStoppedSweepAsksTheStoreNothing() {
    var store = new Sweeps(List.of());
    var sweep = new DeduplicationSweep(vertx, dedup, 7, store);
    sweep.stop();
    sweep.sweep();
    assertEquals(List.of(), store.asked);
  }

  /** A store that answers forgetExpiredIds from a list, recording each call's time. */
  private static final class Sweeps extends ForwardingMessageStore {
    final List<RememberedId> remembered;
    final Deque<Integer> answers = new ArrayDeque<>();
    final List<Long> asked = new ArrayList<>();

    Sweeps(List<RememberedId> remembered) {
      super(new InMemoryMessageStore());
      this.remembered = remembered;
    }

    @Override
    public Future<List<RememberedId>> rememberedIds(long queueId, long now) {
      return Future.succeededFuture(remembered);
    }

    @Override
    public Future<Integer> forgetExpiredIds(long queueId, long now, int limit) {
      asked.add(now);
      return Future.succeededFuture(answers.isEmpty() ? 0 : answers.poll());
    }
  }
}
