package io.junctionmq.store;

import static io.junctionmq.store.MessageStoreContract.await;
import static io.junctionmq.store.MessageStoreContract.messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Queue;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metadata store contract on PostgreSQL, and what only PostgreSQL shows: leases on the
 * database's own clock, a frozen owner's open transaction, messages deleted with their queue.
 */
class PgMetadataStoreIT extends MetadataStoreContract {
  private static Vertx vertx;
  private static String uri;
  private static Pool pool;
  private static PgMetadataStore metadata;

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    uri = TestPostgres.newDatabase();
    pool = PgPools.create(vertx, uri, 4);
    metadata = new PgMetadataStore(pool);
  }

  @AfterAll
  static void disconnect() {
    pool.close().await();
    vertx.close().await();
  }

  @Override
  protected MetadataStore emptyStore() {
    TestPostgres.truncate(uri);
    return metadata;
  }

  /** PostgreSQL's clock cannot be moved: every lease's expiry moves back instead. */
  @Override
  protected void letTimePass(Duration elapsed) {
    await(pool.preparedQuery("UPDATE queue_lease SET expires_at = expires_at - $1 * interval '1 millisecond'")
        .execute(Tuple.of(elapsed.toMillis())));
  }

  @Override
  protected Vertx vertx() {
    return vertx;
  }

  @Test
  void leasesExpireOnTheDatabasesOwnClock() {
    long q = await(metadata.saveQueue(Queue.durable("/", "expiring")));
    assertEquals(1L, await(metadata.acquireLease(q, "n1", Duration.ofMillis(200))));
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
        .until(() -> await(metadata.acquireLease(q, "n2", TTL)) == 2L);
    assertEquals(List.of(), await(metadata.renewLeases("n1", TTL)));
  }

  /**
   * An owner frozen in the middle of a write batch holds its lease row under FOR SHARE with
   * its transaction open. Found by ProcessFailoverClusterIT: the takeover waited until the
   * frozen node ran again (25 s), and then wrote a lease that had run out already, because
   * its expiry was counted from when the statement began.
   */
  @Test
  void aTakeoverWaitsNoLongerThanTheIdleTimeoutForAFrozenOwnersBatchAndItsLeaseRunsFromWhenItIsTaken() {
    long q = await(metadata.saveQueue(Queue.durable("/", "frozen")));
    long epoch = await(metadata.acquireLease(q, "n1", Duration.ofSeconds(1)));
    // The frozen owner's connection comes from a pool of its own: PostgreSQL ends it, and the
    // shared pool must not hand that dead connection to the reads below.
    Pool frozenPool = PgPools.create(vertx, uri, 1);
    var frozen = await(frozenPool.getConnection());
    long taken;
    long waited;
    try {
      await(frozen.query("BEGIN").execute());
      await(frozen.preparedQuery(WriteBatch.FENCE).execute(Tuple.of(new Long[] {q}, new Long[] {epoch}, "n1")));
      long started = System.nanoTime();
      taken = await(metadata.takeOverLease(q, "n2", Duration.ofSeconds(10), "n1"));
      waited = (System.nanoTime() - started) / 1_000_000;
    } finally {
      frozen.close();
      frozenPool.close();
    }
    assertEquals(epoch + 1, taken);
    assertTrue(waited >= PgPools.IDLE_IN_TRANSACTION.toMillis() - 500 && waited < 10_000,
        "PostgreSQL ended the frozen transaction after its idle timeout; waited " + waited + " ms");
    var lease = await(metadata.leases()).stream().filter(l -> l.queueId() == q).findFirst().orElseThrow();
    assertEquals("n2", lease.owner());
    assertTrue(!lease.expired(), "the lease runs from when it was taken, not from when the statement began");
  }

  @Test
  void deletingAQueueDeletesItsMessagesAndDeliveredUpTo() {
    var store = new PgMessageStore(vertx, pool, "n1");
    long q = await(metadata.saveQueue(Queue.durable("/", "doomed")));
    long other = await(metadata.saveQueue(Queue.durable("/", "survivor")));
    long epoch = await(metadata.acquireLease(q, "n1", TTL));
    long otherEpoch = await(metadata.acquireLease(other, "n1", TTL));
    await(store.append(q, epoch, messages(1, 10)));
    await(store.saveDeliveredUpTo(q, epoch, 4));
    await(store.append(other, otherEpoch, messages(1, 2)));

    await(metadata.deleteQueue(q));

    assertEquals(QueueStoreStats.EMPTY, await(store.stats(q)));
    assertEquals(2, await(store.stats(other)).messages());
    assertEquals(0L, count("SELECT count(*) FROM queue_lease WHERE queue_id = " + q));
    await(store.close());
  }

  @Test
  void deletingAVhostDeletesTheMessagesOfItsQueuesAndNoOthers() {
    var store = new PgMessageStore(vertx, pool, "n1");
    await(metadata.saveVhost("gone"));
    long q = await(metadata.saveQueue(Queue.durable("gone", "q")));
    long kept = await(metadata.saveQueue(Queue.durable("/", "q")));
    await(store.append(q, await(metadata.acquireLease(q, "n1", TTL)), messages(1, 3)));
    await(store.append(kept, await(metadata.acquireLease(kept, "n1", TTL)), messages(1, 1)));

    await(metadata.deleteVhost("gone"));

    assertEquals(0L, count("SELECT count(*) FROM message WHERE queue_id = " + q));
    assertEquals(1L, count("SELECT count(*) FROM message WHERE queue_id = " + kept));
    await(store.close());
  }

  private static long count(String sql) {
    return await(pool.query(sql).execute()).iterator().next().getLong(0);
  }
}
