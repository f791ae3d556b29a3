package io.junctionmq.store;

import static io.junctionmq.store.MessageStoreContract.await;
import static io.junctionmq.store.MessageStoreContract.messages;
import static io.junctionmq.store.PgWritePipelineIT.assertThrowsFuture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PgMetadataStoreIT {
  private static final Duration TTL = Duration.ofMinutes(5);
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

  @BeforeEach
  void emptyDatabase() {
    TestPostgres.truncate(uri);
    await(metadata.saveVhost("/"));
  }

  @Test
  void everyFieldOfEveryKindRoundTrips() {
    await(metadata.saveVhost("shop"));
    var exchange = new Exchange("shop", "orders", ExchangeType.TOPIC, true, true, true,
        Map.of("alternate-exchange", "unrouted", "x-count", 3, "x-ratio", 0.5, "x-flag", false));
    var headers = Exchange.of("shop", "hdr", ExchangeType.HEADERS);
    var queue = new Queue("shop", "billing", true, true, true,
        Map.of("x-message-ttl", 60_000, "x-dead-letter-exchange", "dlx", "x-single-active-consumer", true));
    var toQueue = Binding.toQueue("shop", "orders", "billing", "order.*.eu");
    var toExchange = new Binding("shop", "orders", Binding.DestinationType.EXCHANGE, "hdr", "",
        Map.of("x-match", "any", "tenant", "acme"));
    await(metadata.saveExchange(exchange));
    await(metadata.saveExchange(headers));
    long id = await(metadata.saveQueue(queue));
    await(metadata.saveBinding(toQueue));
    await(metadata.saveBinding(toExchange));

    var loaded = await(metadata.load());
    assertEquals(List.of("/", "shop"), loaded.vhosts());
    assertEquals(List.of(headers, exchange), loaded.exchanges());
    assertEquals(List.of(new MetadataStore.StoredQueue(id, queue)), loaded.queues());
    assertEquals(2, loaded.bindings().size());
    assertTrue(loaded.bindings().containsAll(List.of(toQueue, toExchange)), loaded.bindings().toString());
    assertEquals(60_000L, loaded.queues().get(0).queue().arguments().get("x-message-ttl"));
  }

  @Test
  void savingAnExchangeAgainReplacesIt() {
    await(metadata.saveExchange(Exchange.of("/", "x", ExchangeType.DIRECT)));
    var replaced = new Exchange("/", "x", ExchangeType.FANOUT, false, true, false, Map.of("k", "v"));
    await(metadata.saveExchange(replaced));
    assertEquals(List.of(replaced), await(metadata.load()).exchanges());
  }

  @Test
  void queueIdsAreNewForEachQueueAndNamesAreUniquePerVhost() {
    long a = await(metadata.saveQueue(Queue.durable("/", "a")));
    long b = await(metadata.saveQueue(Queue.durable("/", "b")));
    assertNotEquals(a, b);
    await(metadata.deleteQueue(a));
    long again = await(metadata.saveQueue(Queue.durable("/", "a")));
    assertTrue(again > b, "ids are never reused");
    var e = assertInstanceOf(StoreException.class, assertThrowsFuture(metadata.saveQueue(Queue.durable("/", "b"))));
    assertEquals("queue 'b' in vhost '/' exists already", e.getMessage());
  }

  @Test
  void aQueueInAnUnknownVhostIsRejected() {
    assertInstanceOf(StoreException.class, assertThrowsFuture(metadata.saveQueue(Queue.durable("nope", "q"))));
  }

  @Test
  void aBindingIsStoredOnceAndDeletedByItsIdentity() {
    var plain = Binding.toQueue("/", "amq.direct", "q", "k");
    var withArgs = new Binding("/", "amq.direct", Binding.DestinationType.QUEUE, "q", "k", Map.of("a", 1));
    await(metadata.saveBinding(plain));
    await(metadata.saveBinding(plain));
    await(metadata.saveBinding(withArgs));
    assertEquals(2, await(metadata.load()).bindings().size());
    await(metadata.deleteBinding(withArgs));
    assertEquals(List.of(plain), await(metadata.load()).bindings());
  }

  @Test
  void aLeaseIsTakenRenewedHeldAgainstOthersAndReleased() {
    long q = await(metadata.saveQueue(Queue.durable("/", "leased")));
    assertEquals(1L, await(metadata.acquireLease(q, "n1", TTL)));
    assertEquals(2L, await(metadata.acquireLease(q, "n1", TTL)), "the holder may take it again");
    var held = assertInstanceOf(LeaseHeldException.class, assertThrowsFuture(metadata.acquireLease(q, "n2", TTL)));
    assertTrue(held.getMessage().contains("n1"), held.getMessage());

    assertEquals(List.of(q), await(metadata.renewLeases("n1", TTL)));
    assertEquals(List.of(), await(metadata.renewLeases("n2", TTL)));

    await(metadata.releaseLease(q, "n2"));
    assertInstanceOf(LeaseHeldException.class, assertThrowsFuture(metadata.acquireLease(q, "n2", TTL)));
    await(metadata.releaseLease(q, "n1"));
    assertEquals(List.of(), await(metadata.renewLeases("n1", TTL)), "a released lease is not renewed");
    assertEquals(3L, await(metadata.acquireLease(q, "n2", TTL)));
  }

  @Test
  void anExpiredLeaseMayBeTakenByAnotherNode() {
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
      await(frozen.preparedQuery(WriteBatch.FENCE).execute(io.vertx.sqlclient.Tuple.of(new Long[] {q},
          new Long[] {epoch}, "n1")));
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
  void aLeaseOnAnUnknownQueueFails() {
    var e = assertInstanceOf(StoreException.class, assertThrowsFuture(metadata.acquireLease(999_999, "n1", TTL)));
    assertEquals("no queue with id 999999", e.getMessage());
  }

  @Test
  void deletingAQueueDeletesItsMessagesDeliveredUpToBindingsAndLease() {
    var store = new PgMessageStore(vertx, pool, "n1");
    long q = await(metadata.saveQueue(Queue.durable("/", "doomed")));
    long other = await(metadata.saveQueue(Queue.durable("/", "survivor")));
    long epoch = await(metadata.acquireLease(q, "n1", TTL));
    long otherEpoch = await(metadata.acquireLease(other, "n1", TTL));
    await(store.append(q, epoch, messages(1, 10)));
    await(store.saveDeliveredUpTo(q, epoch, 4));
    await(store.append(other, otherEpoch, messages(1, 2)));
    await(metadata.saveBinding(Binding.toQueue("/", "amq.direct", "doomed", "k")));
    await(metadata.saveBinding(Binding.toQueue("/", "amq.direct", "survivor", "k")));

    await(metadata.deleteQueue(q));

    assertEquals(QueueStoreStats.EMPTY, await(store.stats(q)));
    assertEquals(2, await(store.stats(other)).messages());
    var loaded = await(metadata.load());
    assertEquals(List.of("survivor"), loaded.queues().stream().map(s -> s.queue().name()).toList());
    assertEquals(List.of(Binding.toQueue("/", "amq.direct", "survivor", "k")), loaded.bindings());
    assertEquals(0L, count("SELECT count(*) FROM queue_lease WHERE queue_id = " + q));
    await(store.close());
  }

  @Test
  void deletingAnExchangeDeletesBindingsFromAndToIt() {
    await(metadata.saveExchange(Exchange.of("/", "a", ExchangeType.FANOUT)));
    await(metadata.saveExchange(Exchange.of("/", "b", ExchangeType.FANOUT)));
    await(metadata.saveExchange(Exchange.of("/", "c", ExchangeType.FANOUT)));
    await(metadata.saveBinding(Binding.toExchange("/", "a", "b", "")));
    await(metadata.saveBinding(Binding.toExchange("/", "b", "c", "")));
    await(metadata.saveBinding(Binding.toQueue("/", "c", "q", "")));
    await(metadata.deleteExchange("/", "b"));
    var loaded = await(metadata.load());
    assertEquals(List.of("a", "c"), loaded.exchanges().stream().map(Exchange::name).toList());
    assertEquals(List.of(Binding.toQueue("/", "c", "q", "")), loaded.bindings());
  }

  @Test
  void deletingAVhostDeletesEverythingInItAndNothingElse() {
    var store = new PgMessageStore(vertx, pool, "n1");
    await(metadata.saveVhost("gone"));
    await(metadata.saveExchange(Exchange.of("gone", "x", ExchangeType.DIRECT)));
    await(metadata.saveExchange(Exchange.of("/", "x", ExchangeType.DIRECT)));
    long q = await(metadata.saveQueue(Queue.durable("gone", "q")));
    long kept = await(metadata.saveQueue(Queue.durable("/", "q")));
    await(metadata.saveBinding(Binding.toQueue("gone", "x", "q", "k")));
    await(metadata.saveBinding(Binding.toQueue("/", "x", "q", "k")));
    await(store.append(q, await(metadata.acquireLease(q, "n1", TTL)), messages(1, 3)));
    await(store.append(kept, await(metadata.acquireLease(kept, "n1", TTL)), messages(1, 1)));

    await(metadata.deleteVhost("gone"));

    var loaded = await(metadata.load());
    assertEquals(List.of("/"), loaded.vhosts());
    assertEquals(List.of(Exchange.of("/", "x", ExchangeType.DIRECT)), loaded.exchanges());
    assertEquals(List.of(new MetadataStore.StoredQueue(kept, Queue.durable("/", "q"))), loaded.queues());
    assertEquals(List.of(Binding.toQueue("/", "x", "q", "k")), loaded.bindings());
    assertEquals(0L, count("SELECT count(*) FROM message WHERE queue_id = " + q));
    assertEquals(1L, count("SELECT count(*) FROM message WHERE queue_id = " + kept));
    await(store.close());
  }

  private static long count(String sql) {
    return await(pool.query(sql).execute()).iterator().next().getLong(0);
  }
}
