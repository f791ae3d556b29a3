package io.junctionmq.store;

import static io.junctionmq.store.MessageStoreContract.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import io.junctionmq.store.MetadataStore.Lease;
import io.junctionmq.store.MetadataStore.StoredQueue;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MetadataStore} does, run against each implementation (as
 * {@link MessageStoreContract} is for message stores). Subclasses provide an empty store and
 * a way to let time pass for its leases.
 */
abstract class MetadataStoreContract {
  static final Duration TTL = Duration.ofSeconds(10);
  private MetadataStore store;

  /** An empty store (no vhost at all), for one test. */
  protected abstract MetadataStore emptyStore();

  /** Moves the store's time on by {@code elapsed}: every lease is that much nearer its end. */
  protected abstract void letTimePass(Duration elapsed);

  /** A Vert.x instance for tests that call from event loops. */
  protected abstract Vertx vertx();

  @BeforeEach
  void emptyStoreWithTheDefaultVhost() {
    store = emptyStore();
    await(store.saveVhost("/"));
  }

  protected MetadataStore store() {
    return store;
  }

  static Throwable failure(Future<?> future) {
    try {
      await(future);
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("expected the future to fail");
  }

  private long queue(String name) {
    return await(store.saveQueue(Queue.durable("/", name)));
  }

  private Lease lease(long queueId) {
    return await(store.leases()).stream().filter(l -> l.queueId() == queueId).findFirst().orElse(null);
  }

  // ---- vhosts, exchanges, queues, bindings ----

  @Test
  void everyFieldOfEveryKindRoundTrips() {
    await(store.saveVhost("shop"));
    var exchange = new Exchange("shop", "orders", ExchangeType.TOPIC, true, true, true,
        Map.of("alternate-exchange", "unrouted", "x-count", 3, "x-ratio", 0.5, "x-flag", false));
    var headers = Exchange.of("shop", "hdr", ExchangeType.HEADERS);
    var queue = new Queue("shop", "billing", true, true, true,
        Map.of("x-message-ttl", 60_000, "x-dead-letter-exchange", "dlx", "x-single-active-consumer", true));
    var toQueue = Binding.toQueue("shop", "orders", "billing", "order.*.eu");
    var toExchange = new Binding("shop", "orders", Binding.DestinationType.EXCHANGE, "hdr", "",
        Map.of("x-match", "any", "tenant", "acme"));
    await(store.saveExchange(exchange));
    await(store.saveExchange(headers));
    long id = await(store.saveQueue(queue));
    await(store.saveBinding(toQueue));
    await(store.saveBinding(toExchange));

    var loaded = await(store.load());
    assertEquals(List.of("/", "shop"), loaded.vhosts());
    assertEquals(List.of(headers, exchange), loaded.exchanges());
    assertEquals(List.of(new StoredQueue(id, queue)), loaded.queues());
    assertEquals(2, loaded.bindings().size());
    assertTrue(loaded.bindings().containsAll(List.of(toQueue, toExchange)), loaded.bindings().toString());
    assertEquals(60_000L, loaded.queues().get(0).queue().arguments().get("x-message-ttl"));
  }

  @Test
  void loadListsVhostsByNameExchangesByVhostAndNameAndQueuesById() {
    await(store.saveVhost("b"));
    await(store.saveVhost("a"));
    await(store.saveExchange(Exchange.of("b", "y", ExchangeType.DIRECT)));
    await(store.saveExchange(Exchange.of("b", "x", ExchangeType.DIRECT)));
    await(store.saveExchange(Exchange.of("a", "z", ExchangeType.DIRECT)));
    long first = await(store.saveQueue(Queue.durable("b", "q2")));
    long second = await(store.saveQueue(Queue.durable("a", "q1")));

    var loaded = await(store.load());
    assertEquals(List.of("/", "a", "b"), loaded.vhosts());
    assertEquals(List.of("a/z", "b/x", "b/y"),
        loaded.exchanges().stream().map(e -> e.vhost() + "/" + e.name()).toList());
    assertEquals(List.of(first, second), loaded.queues().stream().map(StoredQueue::id).toList());
  }

  @Test
  void savingAVhostTwiceKeepsOne() {
    await(store.saveVhost("/"));
    assertEquals(List.of("/"), await(store.load()).vhosts());
  }

  @Test
  void savingAnExchangeAgainReplacesIt() {
    await(store.saveExchange(Exchange.of("/", "x", ExchangeType.DIRECT)));
    var replaced = new Exchange("/", "x", ExchangeType.FANOUT, false, true, false, Map.of("k", "v"));
    await(store.saveExchange(replaced));
    assertEquals(List.of(replaced), await(store.load()).exchanges());
  }

  @Test
  void queueIdsAreNewForEachQueueAndNamesAreUniquePerVhost() {
    await(store.saveVhost("other"));
    long a = queue("a");
    long b = queue("b");
    assertNotEquals(a, b);
    await(store.deleteQueue(a));
    long again = queue("a");
    assertTrue(again > b, "ids are never reused");
    var e = assertInstanceOf(StoreException.class, failure(store.saveQueue(Queue.durable("/", "b"))));
    assertEquals("queue 'b' in vhost '/' exists already", e.getMessage());
    long elsewhere = await(store.saveQueue(Queue.durable("other", "b")));
    assertEquals(3, await(store.load()).queues().size());
    assertTrue(elsewhere > again);
  }

  @Test
  void nothingIsSavedInAnUnknownVhost() {
    assertInstanceOf(StoreException.class, failure(store.saveQueue(Queue.durable("nope", "q"))));
    assertInstanceOf(StoreException.class, failure(store.saveExchange(Exchange.of("nope", "x", ExchangeType.DIRECT))));
    assertInstanceOf(StoreException.class, failure(store.saveBinding(Binding.toQueue("nope", "x", "q", ""))));
    var loaded = await(store.load());
    assertEquals(List.of(), loaded.queues());
    assertEquals(List.of(), loaded.exchanges());
    assertEquals(List.of(), loaded.bindings());
  }

  @Test
  void aBindingIsStoredOnceAndDeletedByItsIdentity() {
    var plain = Binding.toQueue("/", "amq.direct", "q", "k");
    var withArgs = new Binding("/", "amq.direct", Binding.DestinationType.QUEUE, "q", "k", Map.of("a", 1));
    var otherKey = Binding.toQueue("/", "amq.direct", "q", "other");
    await(store.saveBinding(plain));
    await(store.saveBinding(plain));
    await(store.saveBinding(withArgs));
    await(store.saveBinding(otherKey));
    assertEquals(3, await(store.load()).bindings().size());
    await(store.deleteBinding(withArgs));
    await(store.deleteBinding(otherKey));
    assertEquals(List.of(plain), await(store.load()).bindings());
  }

  @Test
  void aBindingNeedsNeitherItsSourceNorItsDestinationStored() {
    var dangling = Binding.toExchange("/", "nowhere", "nothing", "k");
    await(store.saveBinding(dangling));
    assertEquals(List.of(dangling), await(store.load()).bindings());
  }

  @Test
  void deletingWhatIsNotThereChangesNothing() {
    await(store.saveExchange(Exchange.of("/", "x", ExchangeType.DIRECT)));
    long q = queue("q");
    var binding = Binding.toQueue("/", "x", "q", "k");
    await(store.saveBinding(binding));
    var before = await(store.load());

    await(store.deleteVhost("nope"));
    await(store.deleteExchange("/", "nope"));
    await(store.deleteExchange("nope", "x"));
    await(store.deleteQueue(q + 1000));
    await(store.deleteBinding(Binding.toQueue("/", "x", "q", "other")));

    assertEquals(before, await(store.load()));
  }

  @Test
  void deletingAnExchangeDeletesBindingsFromAndToIt() {
    await(store.saveExchange(Exchange.of("/", "a", ExchangeType.FANOUT)));
    await(store.saveExchange(Exchange.of("/", "b", ExchangeType.FANOUT)));
    await(store.saveExchange(Exchange.of("/", "c", ExchangeType.FANOUT)));
    await(store.saveBinding(Binding.toExchange("/", "a", "b", "")));
    await(store.saveBinding(Binding.toExchange("/", "b", "c", "")));
    await(store.saveBinding(Binding.toQueue("/", "c", "q", "")));
    // A queue may have an exchange's name: its bindings are not the exchange's.
    await(store.saveBinding(Binding.toQueue("/", "a", "b", "")));
    await(store.deleteExchange("/", "b"));
    var loaded = await(store.load());
    assertEquals(List.of("a", "c"), loaded.exchanges().stream().map(Exchange::name).toList());
    assertEquals(List.of(Binding.toQueue("/", "a", "b", ""), Binding.toQueue("/", "c", "q", "")), loaded.bindings());
  }

  @Test
  void deletingAQueueDeletesItsBindingsAndLeaseAndNothingElse() {
    long q = queue("doomed");
    long other = queue("survivor");
    await(store.acquireLease(q, "n1", TTL));
    await(store.acquireLease(other, "n1", TTL));
    await(store.saveExchange(Exchange.of("/", "doomed", ExchangeType.FANOUT)));
    await(store.saveBinding(Binding.toQueue("/", "amq.direct", "doomed", "k")));
    await(store.saveBinding(Binding.toQueue("/", "amq.direct", "survivor", "k")));
    await(store.saveBinding(Binding.toExchange("/", "amq.direct", "doomed", "k")));

    await(store.deleteQueue(q));

    var loaded = await(store.load());
    assertEquals(List.of("survivor"), loaded.queues().stream().map(s -> s.queue().name()).toList());
    assertEquals(Set.of(Binding.toExchange("/", "amq.direct", "doomed", "k"),
        Binding.toQueue("/", "amq.direct", "survivor", "k")), Set.copyOf(loaded.bindings()));
    assertEquals(List.of(other), await(store.leases()).stream().map(Lease::queueId).toList());
    assertEquals(List.of(other), await(store.renewLeases("n1", TTL)));
    assertInstanceOf(StoreException.class, failure(store.acquireLease(q, "n1", TTL)));
  }

  @Test
  void deletingAVhostDeletesEverythingInItAndNothingElse() {
    await(store.saveVhost("gone"));
    await(store.saveExchange(Exchange.of("gone", "x", ExchangeType.DIRECT)));
    await(store.saveExchange(Exchange.of("/", "x", ExchangeType.DIRECT)));
    long q = await(store.saveQueue(Queue.durable("gone", "q")));
    long kept = await(store.saveQueue(Queue.durable("/", "q")));
    await(store.saveBinding(Binding.toQueue("gone", "x", "q", "k")));
    await(store.saveBinding(Binding.toQueue("/", "x", "q", "k")));
    await(store.acquireLease(q, "n1", TTL));
    await(store.acquireLease(kept, "n1", TTL));

    await(store.deleteVhost("gone"));

    var loaded = await(store.load());
    assertEquals(List.of("/"), loaded.vhosts());
    assertEquals(List.of(Exchange.of("/", "x", ExchangeType.DIRECT)), loaded.exchanges());
    assertEquals(List.of(new StoredQueue(kept, Queue.durable("/", "q"))), loaded.queues());
    assertEquals(List.of(Binding.toQueue("/", "x", "q", "k")), loaded.bindings());
    assertEquals(List.of(kept), await(store.leases()).stream().map(Lease::queueId).toList());
    assertInstanceOf(StoreException.class, failure(store.saveQueue(Queue.durable("gone", "again"))));
  }

  @Test
  void queuesSavedAtOnceFromSeveralEventLoopsAllGetIdsOfTheirOwn() throws Exception {
    var saved = new ArrayList<CompletableFuture<List<Long>>>();
    for (int loop = 0; loop < 4; loop++) {
      int l = loop;
      var done = new CompletableFuture<List<Long>>();
      saved.add(done);
      ((VertxInternal) vertx()).createEventLoopContext().runOnContext(v -> {
        List<Future<Long>> ids = IntStream.range(0, 25)
            .mapToObj(i -> store.saveQueue(Queue.durable("/", "q" + l + "-" + i))).toList();
        Future.all(ids).onComplete(ar -> {
          if (ar.succeeded()) {
            done.complete(ids.stream().map(Future::result).toList());
          } else {
            done.completeExceptionally(ar.cause());
          }
        });
      });
    }
    var ids = new HashSet<Long>();
    for (var done : saved) {
      ids.addAll(done.get(30, TimeUnit.SECONDS));
    }
    assertEquals(100, ids.size());
    assertEquals(ids, new HashSet<>(await(store.load()).queues().stream().map(StoredQueue::id).toList()));
  }

  // ---- leases ----

  @Test
  void aLeaseIsTakenRenewedHeldAgainstOthersAndReleased() {
    long q = queue("leased");
    assertEquals(1L, await(store.acquireLease(q, "n1", TTL)));
    assertEquals(2L, await(store.acquireLease(q, "n1", TTL)), "the holder may take it again");
    var held = assertInstanceOf(LeaseHeldException.class, failure(store.acquireLease(q, "n2", TTL)));
    assertTrue(held.getMessage().contains("n1"), held.getMessage());

    assertEquals(List.of(q), await(store.renewLeases("n1", TTL)));
    assertEquals(List.of(), await(store.renewLeases("n2", TTL)));

    await(store.releaseLease(q, "n2"));
    assertInstanceOf(LeaseHeldException.class, failure(store.acquireLease(q, "n2", TTL)));
    await(store.releaseLease(q, "n1"));
    assertEquals(List.of(), await(store.renewLeases("n1", TTL)), "a released lease is not renewed");
    assertEquals(3L, await(store.acquireLease(q, "n2", TTL)));
  }

  @Test
  void leasesListsEveryLeaseWithItsOwnerEpochAndWhetherItRanOut() {
    long held = queue("held");
    long released = queue("released");
    long expired = queue("expired");
    queue("never-leased");
    await(store.acquireLease(held, "n1", Duration.ofMinutes(5)));
    await(store.acquireLease(released, "n1", TTL));
    await(store.acquireLease(released, "n1", TTL));
    await(store.releaseLease(released, "n1"));
    await(store.acquireLease(expired, "n2", TTL));

    letTimePass(TTL.plusSeconds(1));

    var leases = await(store.leases()).stream().sorted(Comparator.comparingLong(Lease::queueId)).toList();
    assertEquals(List.of(new Lease(held, "n1", 1, false), new Lease(released, null, 2, true),
        new Lease(expired, "n2", 1, true)), leases);
  }

  @Test
  void aLeaseRunsForItsTtlFromWhenItWasLastTakenOrRenewed() {
    long q = queue("q");
    await(store.acquireLease(q, "n1", TTL));
    letTimePass(TTL.minusSeconds(2));
    assertFalse(lease(q).expired());
    assertEquals(List.of(q), await(store.renewLeases("n1", TTL)));
    letTimePass(TTL.minusSeconds(2));
    assertFalse(lease(q).expired(), "the renewal counts from when it was made");
    assertInstanceOf(LeaseHeldException.class, failure(store.acquireLease(q, "n2", TTL)));
    letTimePass(Duration.ofSeconds(3));
    assertTrue(lease(q).expired());
  }

  @Test
  void anExpiredLeaseIsTakenByAnotherNodeWithAHigherEpoch() {
    long q = queue("expiring");
    assertEquals(1L, await(store.acquireLease(q, "n1", TTL)));
    letTimePass(TTL.plusSeconds(1));
    assertEquals(2L, await(store.acquireLease(q, "n2", TTL)));
    assertEquals(new Lease(q, "n2", 2, false), lease(q));
    assertEquals(List.of(), await(store.renewLeases("n1", TTL)), "the former owner holds it no more");
    assertInstanceOf(LeaseHeldException.class, failure(store.acquireLease(q, "n1", TTL)));
  }

  @Test
  void anExpiredLeaseThatNobodyTookIsStillItsOwnersToRenew() {
    long q = queue("late");
    await(store.acquireLease(q, "n1", TTL));
    letTimePass(TTL.plusSeconds(1));
    assertEquals(List.of(q), await(store.renewLeases("n1", TTL)));
    assertEquals(new Lease(q, "n1", 1, false), lease(q));
  }

  @Test
  void renewingCompletesWithOnlyTheQueuesTheNodeStillHoldsInIdOrder() {
    long a = queue("a");
    long b = queue("b");
    long c = queue("c");
    long d = queue("d");
    await(store.acquireLease(c, "n1", TTL));
    await(store.acquireLease(a, "n1", TTL));
    await(store.acquireLease(b, "n1", TTL));
    await(store.acquireLease(d, "n2", TTL));
    await(store.releaseLease(c, "n1"));
    letTimePass(TTL.plusSeconds(1));
    await(store.acquireLease(b, "n3", TTL));

    assertEquals(List.of(a), await(store.renewLeases("n1", TTL)));
    assertEquals(List.of(b), await(store.renewLeases("n3", TTL)));
    assertTrue(lease(d).expired(), "another node's lease is not renewed");
  }

  @Test
  void aReleaseLetsAnotherNodeAcquireAtOnceAndOnlyTheHolderMayRelease() {
    long q = queue("q");
    await(store.acquireLease(q, "n1", Duration.ofMinutes(5)));
    await(store.releaseLease(q, "n2"));
    assertEquals(new Lease(q, "n1", 1, false), lease(q));
    await(store.releaseLease(q, "n1"));
    assertEquals(new Lease(q, null, 1, true), lease(q), "a released lease keeps its epoch");
    assertEquals(2L, await(store.acquireLease(q, "n2", TTL)));
  }

  @Test
  void aTakeOverFromAGoneFormerOwnerSucceedsWhileItStillHoldsTheLease() {
    long q = queue("q");
    await(store.acquireLease(q, "gone", Duration.ofMinutes(5)));
    assertEquals(2L, await(store.takeOverLease(q, "n2", TTL, "gone")));
    assertEquals(new Lease(q, "n2", 2, false), lease(q));
    assertEquals(List.of(), await(store.renewLeases("gone", TTL)));
  }

  @Test
  void aTakeOverFailsWhileAnotherLiveNodeHoldsTheLease() {
    long q = queue("q");
    await(store.acquireLease(q, "alive", Duration.ofMinutes(5)));
    var held = assertInstanceOf(LeaseHeldException.class, failure(store.takeOverLease(q, "n2", TTL, "gone")));
    assertTrue(held.getMessage().contains("alive"), held.getMessage());
    assertEquals(new Lease(q, "alive", 1, false), lease(q));
  }

  @Test
  void aTakeOverOfAFreeExpiredOwnOrNeverTakenLeaseActsAsAnAcquire() {
    long never = queue("never");
    long released = queue("released");
    long expired = queue("expired");
    long own = queue("own");
    await(store.acquireLease(released, "n1", TTL));
    await(store.releaseLease(released, "n1"));
    await(store.acquireLease(expired, "n1", TTL));
    letTimePass(TTL.plusSeconds(1));
    await(store.acquireLease(own, "n2", TTL));

    assertEquals(1L, await(store.takeOverLease(never, "n2", TTL, "gone")));
    assertEquals(2L, await(store.takeOverLease(released, "n2", TTL, "gone")));
    assertEquals(2L, await(store.takeOverLease(expired, "n2", TTL, "gone")));
    assertEquals(2L, await(store.takeOverLease(own, "n2", TTL, "gone")));
    assertEquals(List.of(never, released, expired, own), await(store.renewLeases("n2", TTL)));
  }

  @Test
  void aLeaseOnAnUnknownQueueFails() {
    var e = assertInstanceOf(StoreException.class, failure(store.acquireLease(999_999, "n1", TTL)));
    assertEquals("no queue with id 999999", e.getMessage());
    assertInstanceOf(StoreException.class, failure(store.takeOverLease(999_999, "n1", TTL, "gone")));
    await(store.releaseLease(999_999, "n1"));
    assertEquals(List.of(), await(store.leases()));
  }

  @Test
  void nodesRacingForAFreeLeaseFromSeveralEventLoopsLeaveExactlyOneOwner() throws Exception {
    long q = queue("contended");
    var attempts = new ArrayList<CompletableFuture<Boolean>>();
    for (int n = 0; n < 4; n++) {
      String node = "n" + n;
      var won = new CompletableFuture<Boolean>();
      attempts.add(won);
      ((VertxInternal) vertx()).createEventLoopContext().runOnContext(v ->
          store.acquireLease(q, node, TTL).onComplete(ar -> {
            if (ar.succeeded() || ar.cause() instanceof LeaseHeldException) {
              won.complete(ar.succeeded());
            } else {
              won.completeExceptionally(ar.cause());
            }
          }));
    }
    int winners = 0;
    for (var won : attempts) {
      winners += won.get(30, TimeUnit.SECONDS) ? 1 : 0;
    }
    assertEquals(1, winners);
    Lease lease = lease(q);
    assertEquals(1, lease.epoch());
    assertEquals(List.of(q), await(store.renewLeases(lease.owner(), TTL)));
  }
}
