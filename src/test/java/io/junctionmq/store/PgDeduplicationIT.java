package io.junctionmq.store;

import static io.junctionmq.store.MessageStoreContract.await;
import static io.junctionmq.store.MessageStoreContract.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Queue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deduplication ids a durable queue stores with its messages (the dedup table). */
class PgDeduplicationIT {
  private static final String NODE = "node-a";
  private static final long T = 5_000_000_000L;
  private static final AtomicInteger names = new AtomicInteger();
  private static Vertx vertx;
  private static Pool pool;
  private static PgMetadataStore metadata;
  private PgMessageStore store;
  private long queue;
  private long epoch;

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

  @BeforeEach
  void newQueue() {
    store = new PgMessageStore(vertx, pool, NODE);
    queue = await(metadata.saveQueue(Queue.durable("/", "d" + names.incrementAndGet())));
    epoch = await(metadata.acquireLease(queue, NODE, Duration.ofMinutes(5)));
  }

  @AfterEach
  void closeStore() {
    await(store.close());
  }

  private Future<Void> append(long epoch, long fromSeq, long expireAt, String... ids) {
    List<StoredMessage> messages = LongStream.range(fromSeq, fromSeq + ids.length)
        .mapToObj(s -> new StoredMessage(s, message("m" + s))).toList();
    return store.append(queue, epoch, messages, ids, expireAt);
  }

  private List<String> remembered(long now) {
    return await(store.rememberedIds(queue, now)).stream().map(RememberedId::messageId).toList();
  }

  @Test
  void idsAreStoredWithTheirMessagesUntilTheyExpire() {
    await(append(epoch, 1, T, "a", null, "b"));
    assertEquals(3, await(store.stats(queue)).messages());
    assertEquals(List.of("a", "b"), remembered(T - 1).stream().sorted().toList());
    assertEquals(List.of(new RememberedId("a", T)),
        await(store.rememberedIds(queue, 0)).stream().filter(r -> r.messageId().equals("a")).toList());
    assertEquals(List.of(), remembered(T));
  }

  @Test
  void anIdStoredAgainAfterItsWindowTakesTheLaterExpiry() {
    await(append(epoch, 1, T, "a"));
    await(append(epoch, 2, T + 1000, "a"));
    assertEquals(List.of(new RememberedId("a", T + 1000)), await(store.rememberedIds(queue, 0)));
  }

  @Test
  void appendsOfTheSameIdInOneBatchAllCommit() {
    // Gathered into one transaction: one upsert may not touch a row twice.
    var first = append(epoch, 1, T, "a", "a");
    var second = append(epoch, 3, T + 1, "a");
    await(Future.all(first, second));
    assertEquals(3, await(store.stats(queue)).messages());
    assertEquals(List.of("a"), remembered(0));
  }

  @Test
  void aFencedAppendStoresNoId() {
    Future<Void> stale = append(epoch - 1, 1, T, "a");
    await(stale.otherwiseEmpty());
    assertTrue(stale.failed());
    assertEquals(List.of(), remembered(0));
  }

  @Test
  void expiredIdsAreForgottenInBoundedBatches() {
    await(append(epoch, 1, T, "a", "b", "c", "d", "e"));
    await(append(epoch, 6, T + 1, "live"));
    assertEquals(2, await(store.forgetExpiredIds(queue, T, 2)));
    assertEquals(2, await(store.forgetExpiredIds(queue, T, 2)));
    assertEquals(1, await(store.forgetExpiredIds(queue, T, 2)));
    assertEquals(0, await(store.forgetExpiredIds(queue, T, 2)));
    assertEquals(List.of("live"), remembered(0));
  }

  @Test
  void aDroppedQueueForgetsItsIds() {
    await(append(epoch, 1, T, "a"));
    await(store.drop(queue));
    assertEquals(List.of(), remembered(0));
  }

  @Test
  void aDeletedQueueForgetsItsIds() {
    await(append(epoch, 1, T, "a"));
    await(metadata.deleteQueue(queue));
    assertEquals(List.of(), remembered(0));
  }
}
