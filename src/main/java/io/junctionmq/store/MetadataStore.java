package io.junctionmq.store;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.Queue;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * The record of vhosts, exchanges, queues, bindings and queue leases. Futures fail with
 * {@link StoreException} when the store cannot be reached.
 */
public interface MetadataStore {

  /** Everything declared, as stored. */
  Future<Metadata> load();

  Future<Void> saveVhost(String name);

  /** Deletes the vhost and everything in it. */
  Future<Void> deleteVhost(String name);

  /** Inserts or replaces the exchange. */
  Future<Void> saveExchange(Exchange exchange);

  /** Deletes the exchange and every binding from or to it. */
  Future<Void> deleteExchange(String vhost, String name);

  /** Inserts the queue; completes with its new id, unique for the life of the store. */
  Future<Long> saveQueue(Queue queue);

  /** Deletes the queue, its bindings and its lease. */
  Future<Void> deleteQueue(long queueId);

  /** Inserts the binding; a binding that exists already is left as it is. */
  Future<Void> saveBinding(Binding binding);

  Future<Void> deleteBinding(Binding binding);

  /**
   * Takes the lease of a queue for {@code node}: succeeds when the lease is free, expired or
   * already held by {@code node}, and completes with the new epoch (one more than before).
   * Fails with {@link LeaseHeldException} when another node holds an unexpired lease.
   */
  Future<Long> acquireLease(long queueId, String node, Duration ttl);

  /**
   * Takes the lease of a queue from {@code formerOwner}, a node known to be gone: succeeds
   * as {@link #acquireLease} does, and also when {@code formerOwner} still holds it.
   */
  Future<Long> takeOverLease(long queueId, String node, Duration ttl, String formerOwner);

  /** Every queue's lease as it stands. */
  Future<List<Lease>> leases();

  /** Extends every lease {@code node} holds; completes with the ids of the queues it still holds. */
  Future<List<Long>> renewLeases(String node, Duration ttl);

  /** Gives up a lease so that another node may take it at once. */
  Future<Void> releaseLease(long queueId, String node);

  Future<Void> close();

  /** Who holds a queue's lease ({@code owner} null when released), and whether it has run out. */
  record Lease(long queueId, String owner, long epoch, boolean expired) {
  }

  /** A stored queue and its id. */
  record StoredQueue(long id, Queue queue) {
  }

  record Metadata(List<String> vhosts, List<Exchange> exchanges, List<StoredQueue> queues,
                  List<Binding> bindings) {
  }
}
