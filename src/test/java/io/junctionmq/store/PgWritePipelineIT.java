package io.junctionmq.store;

import static io.junctionmq.store.MessageStoreContract.await;
import static io.junctionmq.store.MessageStoreContract.messages;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Queue;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Group commit, fencing and limits of the PostgreSQL write pipeline. */
class PgWritePipelineIT {
  private static final String NODE = "node-a";
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final AtomicInteger names = new AtomicInteger();
  private static Vertx vertx;
  private static Pool pool;
  private static PgMetadataStore metadata;

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    pool = PgPools.create(vertx, TestPostgres.newDatabase(), 4);
    metadata = new PgMetadataStore(pool);
    await(metadata.saveVhost("/"));
  }

  @AfterAll
  static void disconnect() {
    pool.close().await();
    vertx.close().await();
  }

  private static long newQueue() {
    return await(metadata.saveQueue(Queue.durable("/", "q" + names.incrementAndGet())));
  }

  private static long lease(long queueId, String node) {
    return await(metadata.acquireLease(queueId, node, TTL));
  }

  /**
   * Holds the lease row of a queue locked FOR UPDATE on a connection of its own, so that a
   * write batch touching that queue waits until {@link #close()}.
   */
  private static final class Blocker implements AutoCloseable {
    private final SqlConnection conn;
    private final Transaction tx;

    Blocker(long queueId) {
      conn = await(pool.getConnection());
      tx = await(conn.begin());
      await(conn.preparedQuery("SELECT 1 FROM queue_lease WHERE queue_id = $1 FOR UPDATE")
          .execute(Tuple.of(queueId)));
    }

    @Override
    public void close() {
      await(tx.commit());
      await(conn.close());
    }
  }

  /** Starts a batch that stays in flight until the returned blocker is closed. */
  private static Blocker batchInFlight(PgMessageStore store, List<Future<Void>> started) {
    long q = newQueue();
    long epoch = lease(q, NODE);
    Blocker blocker = new Blocker(q);
    long before = store.batches();
    started.add(store.append(q, epoch, messages(1, 1)));
    await().atMost(Duration.ofSeconds(10)).until(() -> store.batches() == before + 1);
    return blocker;
  }

  @Test
  void callsMadeWhileABatchIsInFlightGoOutTogetherUpToTheRowCap() {
    var store = new PgMessageStore(vertx, pool, NODE);
    long q = newQueue();
    long epoch = lease(q, NODE);
    List<Future<Void>> calls = new ArrayList<>();
    long before = store.batches();
    try (Blocker ignored = batchInFlight(store, calls)) {
      for (long seq = 1; seq <= 5000; seq++) {
        calls.add(store.append(q, epoch, messages(seq, seq)));
      }
    }
    await(Future.all(calls));
    // One blocked batch, then 5000 single-row calls in batches of at most 2000 rows.
    assertEquals(1 + 3, store.batches() - before);
    assertEquals(5000, await(store.stats(q)).messages());
    await(store.close());
  }

  @Test
  void aMessageAckedBeforeItsBatchLeavesIsNeverWrittenYetItsAppendCompletes() {
    var store = new PgMessageStore(vertx, pool, NODE);
    long q = newQueue();
    long epoch = lease(q, NODE);
    List<Future<Void>> calls = new ArrayList<>();
    try (Blocker ignored = batchInFlight(store, calls)) {
      calls.add(store.append(q, epoch, messages(1, 3)));
      calls.add(store.remove(q, epoch, new long[] {1, 2}));
    }
    await(Future.all(calls));
    assertEquals(2, store.settledUnwritten());
    var stats = await(store.stats(q));
    assertEquals(1, stats.messages());
    assertEquals(3, stats.maxSeq());
    await(store.close());
  }

  @Test
  void tenThousandAppendsFiredAtOnceTakeFarFewerBatches() {
    var store = new PgMessageStore(vertx, pool, NODE);
    long[] queues = new long[10];
    long[] epochs = new long[10];
    for (int i = 0; i < queues.length; i++) {
      queues[i] = newQueue();
      epochs[i] = lease(queues[i], NODE);
    }
    long before = store.batches();
    List<Future<Void>> calls = new ArrayList<>();
    for (int n = 0; n < 10_000; n++) {
      int i = n % queues.length;
      long seq = n / queues.length + 1;
      calls.add(store.append(queues[i], epochs[i], messages(seq, seq)));
    }
    await(Future.all(calls));
    long batches = store.batches() - before;
    assertTrue(batches <= 500, "10000 appends took " + batches + " batches");
    for (long q : queues) {
      assertEquals(1000, await(store.stats(q)).messages());
    }
    await(store.close());
  }

  @Test
  void aStaleEpochIsFencedWhileOtherQueuesInTheSameBatchCommit() {
    var store = new PgMessageStore(vertx, pool, NODE);
    long taken = newQueue();
    long kept = newQueue();
    long staleEpoch = await(metadata.acquireLease(taken, NODE, Duration.ZERO));
    long keptEpoch = lease(kept, NODE);
    // The lease expired at once: another node takes the queue over.
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
        .until(() -> await(metadata.acquireLease(taken, "node-b", TTL)) == staleEpoch + 1);

    List<Future<Void>> first = new ArrayList<>();
    Future<Void> stale;
    Future<Void> staleDeliveredUpTo;
    Future<Void> fresh;
    long before = store.batches();
    try (Blocker ignored = batchInFlight(store, first)) {
      stale = store.append(taken, staleEpoch, messages(1, 3));
      staleDeliveredUpTo = store.saveDeliveredUpTo(taken, staleEpoch, 3);
      fresh = store.append(kept, keptEpoch, messages(1, 3));
    }
    await(first.get(0));
    await(fresh);
    FencedException fenced = assertInstanceOf(FencedException.class,
        assertThrowsFuture(stale));
    assertEquals(taken, fenced.queueId());
    assertInstanceOf(FencedException.class, assertThrowsFuture(staleDeliveredUpTo));
    assertEquals(2, store.batches() - before, "the fenced and the valid writes shared a batch");
    assertEquals(QueueStoreStats.EMPTY, await(store.stats(taken)));
    assertEquals(3, await(store.stats(kept)).messages());
    await(store.close());
  }

  @Test
  void aRetriedAppendDoesNotFailOtherQueuesInItsBatch() {
    var store = new PgMessageStore(vertx, pool, NODE);
    long retried = newQueue();
    long other = newQueue();
    long retriedEpoch = lease(retried, NODE);
    long otherEpoch = lease(other, NODE);
    await(store.append(retried, retriedEpoch, messages(1, 2)));
    List<Future<Void>> calls = new ArrayList<>();
    long before = store.batches();
    try (Blocker ignored = batchInFlight(store, calls)) {
      calls.add(store.append(retried, retriedEpoch, messages(2, 3)));
      calls.add(store.append(other, otherEpoch, messages(1, 1)));
    }
    await(Future.all(calls));
    assertEquals(2, store.batches() - before);
    assertEquals(3, await(store.stats(retried)).messages());
    assertEquals(1, await(store.stats(other)).messages());
    await(store.close());
  }

  @Test
  void anotherNodesStoreCannotWriteAQueueItDoesNotLease() {
    var store = new PgMessageStore(vertx, pool, "node-z");
    long q = newQueue();
    long epoch = lease(q, NODE);
    assertInstanceOf(FencedException.class, assertThrowsFuture(store.append(q, epoch, messages(1, 1))));
    await(store.close());
  }

  @Test
  void writesToADeletedQueueAreFenced() {
    var store = new PgMessageStore(vertx, pool, NODE);
    long q = newQueue();
    long epoch = lease(q, NODE);
    await(store.append(q, epoch, messages(1, 2)));
    await(metadata.deleteQueue(q));
    assertInstanceOf(FencedException.class, assertThrowsFuture(store.append(q, epoch, messages(3, 3))));
    assertInstanceOf(FencedException.class, assertThrowsFuture(store.remove(q, epoch, new long[] {1})));
    assertEquals(QueueStoreStats.EMPTY, await(store.stats(q)));
    await(store.close());
  }

  @Test
  void deletingAQueueWhileItIsWrittenLeavesNothingBehind() {
    var store = new PgMessageStore(vertx, pool, NODE);
    long q = newQueue();
    long epoch = lease(q, NODE);
    List<Future<Void>> writes = new ArrayList<>();
    Future<Void> deleted = null;
    for (long seq = 1; seq <= 3000; seq++) {
      writes.add(store.append(q, epoch, messages(seq, seq)));
      writes.add(store.saveDeliveredUpTo(q, epoch, seq));
      if (seq == 1500) {
        deleted = metadata.deleteQueue(q);
      }
    }
    await(deleted);
    for (Future<Void> write : writes) {
      write.transform(ar -> Future.succeededFuture()).await();
      if (write.failed()) {
        assertInstanceOf(FencedException.class, write.cause());
      }
    }
    assertEquals(QueueStoreStats.EMPTY, await(store.stats(q)));
    await(store.close());
  }

  @Test
  void callsBeyondTheQueuedLimitFailFastAsOverloaded() {
    var store = new PgMessageStore(vertx, pool, NODE, PgMessageStore.Options.DEFAULTS.withMaxQueuedCalls(10));
    long q = newQueue();
    long epoch = lease(q, NODE);
    List<Future<Void>> accepted = new ArrayList<>();
    Future<Void> rejected;
    try (Blocker ignored = batchInFlight(store, accepted)) {
      for (long seq = 1; seq <= 10; seq++) {
        accepted.add(store.append(q, epoch, messages(seq, seq)));
      }
      rejected = store.append(q, epoch, messages(11, 11));
      assertTrue(rejected.failed(), "the 11th queued call fails at once");
    }
    StoreException e = assertInstanceOf(StoreException.class, rejected.cause());
    assertEquals("store overloaded", e.getMessage());
    await(Future.all(accepted));
    assertEquals(10, await(store.stats(q)).messages());
    await(store.close());
  }

  @Test
  void aBatchThatTakesTooLongFailsItsCallsAndThePipelineMovesOn() {
    var options = new PgMessageStore.Options(2000, 4 << 20, 1000, Duration.ofMillis(300), 2);
    var store = new PgMessageStore(vertx, pool, NODE, options);
    long q = newQueue();
    long epoch = lease(q, NODE);
    List<Future<Void>> stuck = new ArrayList<>();
    try (Blocker ignored = batchInFlight(store, stuck)) {
      StoreException e = assertInstanceOf(StoreException.class, assertThrowsFuture(stuck.get(0)));
      assertTrue(e.getMessage().contains("timed out"), e.getMessage());
      await(store.append(q, epoch, messages(1, 1)));
    }
    assertEquals(1, await(store.stats(q)).messages());
    await(store.close());
  }

  @Test
  void closeLetsEarlierCallsFinishAndRejectsLaterOnes() {
    var store = new PgMessageStore(vertx, pool, NODE);
    long q = newQueue();
    long epoch = lease(q, NODE);
    Future<Void> before = store.append(q, epoch, messages(1, 100));
    Future<Void> closed = store.close();
    Future<Void> after = store.append(q, epoch, messages(101, 101));
    await(closed);
    await(before);
    assertEquals("store closed", assertThrowsFuture(after).getMessage());
  }

  /** Fires {@code perQueue} single-message appends to each of {@code queues} new queues at once. */
  private static void appendBurst(PgMessageStore store, int queues, int perQueue) {
    long[] ids = new long[queues];
    long[] epochs = new long[queues];
    for (int i = 0; i < queues; i++) {
      ids[i] = newQueue();
      epochs[i] = lease(ids[i], NODE);
    }
    List<Future<Void>> calls = new ArrayList<>();
    for (long seq = 1; seq <= perQueue; seq++) {
      for (int i = 0; i < queues; i++) {
        calls.add(store.append(ids[i], epochs[i], messages(seq, seq)));
      }
    }
    await(Future.all(calls));
    for (long q : ids) {
      var stats = await(store.stats(q));
      // Seqs 1..perQueue only, under a primary key: that many rows is each exactly once.
      assertEquals(perQueue, stats.messages());
      assertEquals(perQueue, stats.maxSeq());
    }
  }

  @Test
  void twoBatchesOfAppendsOverlapAndStoreEveryMessageOnce() {
    var store = new PgMessageStore(vertx, pool, NODE);
    appendBurst(store, 8, 2500);
    assertEquals(2, store.mostInFlight());
    await(store.close());
  }

  @Test
  void withOneInFlightBatchesNeverOverlap() {
    var store = new PgMessageStore(vertx, pool, NODE, PgMessageStore.Options.DEFAULTS.withMaxInFlight(1));
    appendBurst(store, 8, 2500);
    assertEquals(1, store.mostInFlight());
    await(store.close());
  }

  /**
   * Makes each commit of a transaction that inserted a message matching {@code when} (a
   * condition on {@code NEW}) take {@code seconds} longer and, with {@code fail}, then fail;
   * until {@link #close()}.
   */
  private static final class SlowCommit implements AutoCloseable {
    SlowCommit(String when, double seconds, boolean fail) {
      await(pool.query("CREATE OR REPLACE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
          + " IF current_setting('test.slept', true) IS DISTINCT FROM 'yes' THEN"
          + " PERFORM set_config('test.slept', 'yes', true); PERFORM pg_sleep(" + seconds + "); END IF;"
          + (fail ? " RAISE EXCEPTION 'refused at commit';" : "")
          + " RETURN NULL; END $$").execute());
      await(pool.query("CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON message"
          + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (" + when + ")"
          + " EXECUTE FUNCTION slow_commit()").execute());
    }

    @Override
    public void close() {
      await(pool.query("DROP TRIGGER slow_commit ON message").execute());
    }
  }

  private static long rows(long queueId) {
    return await(pool.preparedQuery("SELECT count(*) FROM message WHERE queue_id = $1")
        .execute(Tuple.of(queueId))).iterator().next().getLong(0);
  }

  /**
   * One call to a queue whose commit is slow, then 100 to another queue, all made on one
   * context; the 100 go out beside the first batch and commit first.
   */
  private static List<Integer> slowThenFast(PgMessageStore store, long slow, long fast, List<Future<Void>> calls) {
    long slowEpoch = lease(slow, NODE);
    long fastEpoch = lease(fast, NODE);
    Context caller = vertx.getOrCreateContext();
    List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
    long before = store.batches();
    caller.runOnContext(v -> calls.add(store.append(slow, slowEpoch, messages(1, 1))
        .onComplete(ar -> completed.add(0))));
    // At once: a batch starts beside another only within WritePipeline.MAX_OVERLAP_NANOS.
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
        .until(() -> store.batches() == before + 1);
    caller.runOnContext(v -> {
      for (int i = 1; i <= 100; i++) {
        int index = i;
        calls.add(store.append(fast, fastEpoch, messages(i, i)).onComplete(ar -> completed.add(index)));
      }
    });
    // Committed while the first batch is still in its commit, yet none completed.
    await().atMost(Duration.ofSeconds(10)).until(() -> rows(fast) > 0);
    assertEquals(0, rows(slow));
    assertTrue(completed.isEmpty(), "completed before the batch ahead: " + completed);
    await().atMost(Duration.ofSeconds(10)).until(() -> completed.size() == 101);
    assertEquals(2, store.mostInFlight());
    return completed;
  }

  @Test
  void callsCompleteInTheOrderTheyWereMadeWhenALaterBatchCommitsFirst() {
    var store = new PgMessageStore(vertx, pool, NODE);
    long slow = newQueue();
    long fast = newQueue();
    List<Future<Void>> calls = Collections.synchronizedList(new ArrayList<>());
    List<Integer> completed;
    try (SlowCommit ignored = new SlowCommit("NEW.queue_id = " + slow, 1, false)) {
      completed = slowThenFast(store, slow, fast, calls);
    }
    assertEquals(IntStream.rangeClosed(0, 100).boxed().toList(), completed);
    await(Future.all(calls));
    assertEquals(1, rows(slow));
    assertEquals(100, rows(fast));
    await(store.close());
  }

  @Test
  void aBatchThatFailsAtCommitFailsNoCallOfTheBatchBesideIt() {
    var store = new PgMessageStore(vertx, pool, NODE);
    long slow = newQueue();
    long fast = newQueue();
    List<Future<Void>> calls = Collections.synchronizedList(new ArrayList<>());
    List<Integer> completed;
    try (SlowCommit ignored = new SlowCommit("NEW.queue_id = " + slow, 1, true)) {
      completed = slowThenFast(store, slow, fast, calls);
    }
    assertEquals(IntStream.rangeClosed(0, 100).boxed().toList(), completed);
    assertInstanceOf(StoreException.class, assertThrowsFuture(calls.get(0)));
    await(Future.all(calls.subList(1, calls.size())));
    assertEquals(0, rows(slow));
    assertEquals(100, rows(fast));
    await(store.close());
  }

  /**
   * Each round appends then at once removes (later: purges) its messages. A remove or purge
   * sent beside the batch inserting its rows would not see them, uncommitted, and leave them.
   */
  @Test
  void removesAndPurgesWaitUntilTheAppendsInFlightHaveCommitted() {
    var store = new PgMessageStore(vertx, pool, NODE);
    long[] queues = new long[4];
    long[] epochs = new long[4];
    for (int i = 0; i < queues.length; i++) {
      queues[i] = newQueue();
      epochs[i] = lease(queues[i], NODE);
    }
    List<Future<?>> calls = new ArrayList<>();
    for (int round = 0; round < 300; round++) {
      long from = round * 10L + 1;
      long[] seqs = LongStream.range(from, from + 10).toArray();
      for (int i = 0; i < queues.length; i++) {
        for (long seq : seqs) {
          calls.add(store.append(queues[i], epochs[i], messages(seq, seq)));
        }
      }
      for (int i = 0; i < queues.length; i++) {
        calls.add(store.remove(queues[i], epochs[i], seqs));
      }
    }
    List<Future<Long>> purges = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      long from = 3001 + round * 100L;
      for (int i = 0; i < queues.length; i++) {
        for (long seq = from; seq < from + 100; seq++) {
          calls.add(store.append(queues[i], epochs[i], messages(seq, seq)));
        }
      }
      for (int i = 0; i < queues.length; i++) {
        purges.add(store.purge(queues[i], epochs[i], from + 99, new long[0]));
      }
    }
    await(Future.all(calls));
    for (Future<Long> purge : purges) {
      assertEquals(100, await(purge));
    }
    for (long q : queues) {
      assertEquals(0, rows(q));
    }
    await(store.close());
  }

  /** Keeps {@code window} single-message appends to one queue outstanding until stopped; on one context. */
  private static final class Load {
    private final PgMessageStore store;
    private final long queueId;
    private final long epoch;
    private final int window;
    private long seq;
    private int outstanding;
    private volatile boolean stopped;
    private final AtomicInteger failures = new AtomicInteger();
    private final Promise<Void> drained = Promise.promise();

    Load(PgMessageStore store, long queueId, long epoch, int window) {
      this.store = store;
      this.queueId = queueId;
      this.epoch = epoch;
      this.window = window;
    }

    void pump() {
      while (!stopped && outstanding < window) {
        outstanding++;
        seq++;
        store.append(queueId, epoch, messages(seq, seq)).onComplete(ar -> {
          outstanding--;
          if (ar.failed()) {
            failures.incrementAndGet();
          }
          pump();
        });
      }
      if (stopped && outstanding == 0) {
        drained.tryComplete();
      }
    }
  }

  @Test
  void aLeaseRenewalIsNotStarvedByBatchesInOverlap() {
    var store = new PgMessageStore(vertx, pool, NODE);
    long q = newQueue();
    var load = new Load(store, q, lease(q, NODE), 8000);
    Context context = vertx.getOrCreateContext();
    // Slow commits (fsync on a busy disk): the next batch's fence always arrives before the
    // commit ends, so batches in overlap would hold the lease row without a break.
    try (SlowCommit ignored = new SlowCommit("NEW.queue_id = " + q, 0.2, false)) {
      context.runOnContext(v -> load.pump());
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> store.mostInFlight() == 2);
        // It waits for the FOR SHARE locks of the batches on the lease row.
        Future<List<Long>> renewal = metadata.renewLeases(NODE, TTL);
        await().atMost(Duration.ofSeconds(3)).until(renewal::isComplete);
        assertTrue(renewal.result().contains(q));
      } finally {
        load.stopped = true;
        context.runOnContext(v -> load.pump());
      }
      await(load.drained.future());
    }
    assertEquals(0, load.failures.get());
    await(store.close());
  }

  static Throwable assertThrowsFuture(Future<?> future) {
    try {
      MessageStoreContract.await(future);
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("expected the future to fail");
  }
}
