package io.junctionmq.cluster;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Queue;
import io.junctionmq.queue.QueueVerticle;
import io.junctionmq.store.LeaseHeldException;
import io.junctionmq.store.MetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The queues this node owns. A node owns a queue under a lease in PostgreSQL ({@link
 * MetadataStore#acquireLease}) and serves it from a {@link QueueVerticle}; it comes to own one
 * when it is declared here, recovered at start, assigned by another node, or taken over from a
 * node that is gone, and stops when it hands it over (stopping), deletes it, or loses its
 * lease. Every change runs on the broker's serial.
 */
public final class QueueOwnership {
  private static final Logger log = LoggerFactory.getLogger(QueueOwnership.class);
  /** How long a queue handed to another node waits for its consumers' acks (a loaded node answers late). */
  private static final long HAND_OVER_DRAIN_MS = 5000;

  /** What ownership needs from the broker. */
  public interface Hooks {
    /** A verticle to serve {@code queue} (store id {@code id}) under a lease of {@code epoch}. */
    QueueVerticle verticle(long id, Queue queue, long epoch);

    /** This node owns {@code q} now. */
    void owned(QueueEntry q);

    /** This node stopped serving {@code q}. */
    void released(QueueEntry q);
  }

  private final Vertx vertx;
  private final String self;
  private final Membership membership;
  private final MetadataStore metadata;
  private final QueueDirectory directory;
  private final MetadataEvents events;
  private final Hooks hooks;
  private final Duration leaseTtl;
  private final Duration leaseRenewInterval;
  private final long requestTimeoutMs;
  private final RemoteConsumers remoteConsumers;
  private final InFlight inFlight;
  /** Set when the node starts stopping: it takes no queues from other nodes any more. */
  private volatile boolean stopping;

  public QueueOwnership(Vertx vertx, Membership membership, MetadataStore metadata, QueueDirectory directory,
                        MetadataEvents events, Hooks hooks, Duration leaseTtl, Duration leaseRenewInterval,
                        Duration requestTimeout) {
    this.vertx = vertx;
    this.self = membership.self();
    this.membership = membership;
    this.metadata = metadata;
    this.directory = directory;
    this.events = events;
    this.hooks = hooks;
    this.leaseTtl = leaseTtl;
    this.leaseRenewInterval = leaseRenewInterval;
    this.requestTimeoutMs = requestTimeout.toMillis();
    this.remoteConsumers = new RemoteConsumers(self);
    this.inFlight = new InFlight(membership, vertx, InFlight.GRACE_MILLIS);
  }

  public String self() {
    return self;
  }

  public boolean stopping() {
    return stopping;
  }

  /** From now on this node takes no queue from another: it is stopping. */
  void stopTaking() {
    stopping = true;
  }

  RemoteConsumers remoteConsumers() {
    return remoteConsumers;
  }

  /** The link to a queue that {@code owner} owns under a lease of {@code epoch}. */
  public RemoteQueue remote(String owner, long id, long epoch) {
    return new RemoteQueue(vertx, owner, id, epoch, remoteConsumers, membership, inFlight, requestTimeoutMs);
  }

  /**
   * Takes the queue's lease (from {@code former}, a node known to be gone, when not null),
   * starts its verticle, records it as owned here and tells the other nodes.
   */
  public Future<QueueEntry> own(long id, Queue queue, String exclusiveOwner, String former) {
    Future<Long> lease = former == null ? metadata.acquireLease(id, self, leaseTtl)
        : metadata.takeOverLease(id, self, leaseTtl, former);
    return lease.compose(epoch -> {
      QueueVerticle verticle = hooks.verticle(id, queue, epoch);
      return vertx.deployVerticle(verticle).map(deploymentId -> {
        var owned = QueueEntry.ownedHere(id, queue, exclusiveOwner, self, epoch, verticle, deploymentId);
        directory.put(owned);
        hooks.owned(owned);
        events.queueLocated(owned);
        return owned;
      });
    });
  }

  /** Asks {@code node} to own a new queue; records it as owned there. */
  public Future<QueueEntry> ownOn(String node, long id, Queue queue) {
    Buffer request = Wire.op(Protocol.OWN).i64(id)
        .str(MetadataEvents.queue(new JsonObject(), id, queue, null, node, 0).encode())
        .buffer();
    return vertx.eventBus().<Buffer>request(Protocol.node(node), request,
            new DeliveryOptions().setSendTimeout(requestTimeoutMs))
        .recover(e -> Future.failedFuture(Protocol.error(e, node)))
        .map(reply -> {
          long epoch = new Wire.Reader(reply.body()).i64();
          QueueEntry known = directory.queue(id);
          if (known != null && known.epoch() >= epoch) {
            return known;
          }
          var entry = QueueEntry.ownedBy(id, queue, null, remote(node, id, epoch));
          directory.put(entry);
          return entry;
        });
  }

  /**
   * Recovers the stored queues at start: one another live node owns is recorded as owned
   * there; a non-durable or exclusive one is deleted (it died with its node, as in RabbitMQ);
   * every other one is owned here.
   */
  public Future<Void> recover(List<MetadataStore.StoredQueue> stored, Map<Long, MetadataStore.Lease> leases) {
    Future<Void> chain = Future.succeededFuture();
    var members = membership.members();
    for (MetadataStore.StoredQueue sq : stored) {
      Queue q = sq.queue();
      Vhost h = directory.findVhost(q.vhost());
      MetadataStore.Lease lease = leases.get(sq.id());
      String holder = lease == null ? null : lease.owner();
      boolean heldElsewhere = holder != null && !holder.equals(self) && !lease.expired();
      if (h != null && heldElsewhere && (members.contains(holder) || vertx.isClustered())) {
        // Another node owns it; if that node is gone, the takeovers take it after start.
        directory.put(QueueEntry.ownedBy(sq.id(), q, q.exclusive() ? "connection on node " + holder : null,
            remote(holder, sq.id(), lease.epoch())));
      } else if (h == null || !q.durable() || q.exclusive()) {
        chain = chain.compose(v -> metadata.deleteQueue(sq.id()));
      } else {
        long deadline = System.nanoTime() + leaseTtl.multipliedBy(2).toNanos();
        chain = chain.compose(v -> recover(sq.id(), q, deadline));
      }
    }
    return chain;
  }

  /** Owns a recovered queue; while another node's lease on it is unexpired, waits for it to run out, up to {@code deadline}. */
  private Future<Void> recover(long id, Queue queue, long deadline) {
    long started = System.nanoTime();
    return own(id, queue, null, null).onSuccess(q -> logOwned(q, "recovered", null, started))
        .<Void>mapEmpty().recover(e -> {
          if (!(e instanceof LeaseHeldException) || System.nanoTime() > deadline) {
            return Future.failedFuture(e);
          }
          log.info("queue {}: {}; waiting for the lease to expire", queue.name(), e.getMessage());
          return vertx.timer(leaseRenewInterval.toMillis()).compose(t -> recover(id, queue, deadline));
        });
  }

  /**
   * Stops owning every queue: each durable queue goes to its successor (chosen by {@link
   * Placement#successors}): it stops delivering, waits briefly for its consumers' acks,
   * writes what is pending, gives up its lease, and the successor takes it.
   */
  Future<Void> handOverAll(Map<Long, String> successors) {
    var handOvers = new ArrayList<Future<Boolean>>();
    for (QueueEntry q : directory.ownedHere()) {
      handOvers.add(handOver(q, successors.get(q.id()), "stop"));
    }
    return Future.join(handOvers).mapEmpty();
  }

  /**
   * Hands a queue this node owns to {@code to} while this node goes on (a rebalance), as a
   * stop does; its consumers on every node follow it. Completes with whether it moved; when
   * {@code to} did not take it, this node owns it again (or, failing that, leaves it to the
   * takeovers). Runs on the broker's serial.
   */
  public Future<Boolean> handOver(QueueEntry q, String to) {
    return handOver(q, to, "rebalance").compose(moved -> {
      if (moved) {
        hooks.released(q);
        return Future.succeededFuture(true);
      }
      long started = System.nanoTime();
      return own(q.id(), q.queue(), q.exclusiveOwner(), null)
          .onSuccess(back -> logOwned(back, "rebalance-failed", null, started))
          .map(false).recover(e -> {
            hooks.released(q);
            if (directory.queue(q.id()) == q) {
              directory.put(q.orphaned());
            }
            return Future.succeededFuture(false);
          });
    });
  }

  /** Completes with whether {@code successor} owns the queue now; {@code cause} is stop or rebalance. */
  private Future<Boolean> handOver(QueueEntry q, String successor, String cause) {
    // A queue handed over waits for its consumers' acks; one that stops here waits for none.
    Future<Void> drained = q.local().verticle().drain(successor == null ? 0 : HAND_OVER_DRAIN_MS);
    return drained
        .compose(v -> vertx.undeploy(q.local().deploymentId()))
        .recover(e -> Future.succeededFuture())
        .compose(v -> metadata.releaseLease(q.id(), self))
        .recover(e -> {
          ownershipEvent(log.atWarn(), "queue.release.failed", q).addKeyValue("error", e.getMessage())
              .log("queue {}: releasing its lease failed; it expires in {}", q.name(), leaseTtl);
          return Future.succeededFuture();
        })
        .compose(v -> {
          if (successor == null) {
            ownershipEvent(log.atInfo(), "queue.released", q).log("queue {} released", q.name());
            return Future.succeededFuture(false);
          }
          return ownOn(successor, q.id(), q.queue())
              .onSuccess(moved -> ownershipEvent(log.atInfo(), "queue.handed-over", q).addKeyValue("to", successor)
                  .addKeyValue("to_epoch", moved.epoch()).addKeyValue("cause", cause)
                  .log("queue {} handed over to node {} ({})", q.name(), successor, cause))
              .map(true).recover(e -> {
                ownershipEvent(log.atWarn(), "queue.hand-over.failed", q).addKeyValue("to", successor)
                    .addKeyValue("cause", cause).addKeyValue("error", e.getMessage())
                    .log("handing queue {} to node {} failed: {}", q.name(), successor, e.getMessage());
                return Future.succeededFuture(false);
              });
        });
  }

  /** Another node owns a queue this node owned (its lease went there): this node stops serving it. */
  public void lost(QueueEntry q, String why) {
    Vhost h = directory.findVhost(q.vhost());
    if (h == null || h.queue(q.name()) != q) {
      return;
    }
    ownershipEvent(log.atError(), "queue.lost", q).addKeyValue("reason", why)
        .log("queue {} in vhost {}: {}; this node stops serving it", q.name(), q.vhost(), why);
    hooks.released(q);
    directory.put(q.orphaned());
    undeploy(q);
  }

  /** A queue deleted elsewhere, or lost with its node: forgotten here, and no longer served if it was here. */
  public void forget(long id, String reason) {
    QueueEntry q = directory.remove(id, reason);
    if (q != null && q.ownedHere()) {
      hooks.released(q);
      undeploy(q);
    }
  }

  /** A vhost deleted elsewhere: forgotten here with its queues. */
  public void forgetVhost(String name) {
    for (QueueEntry q : directory.removeVhost(name, "vhost '" + name + "' deleted")) {
      if (q.ownedHere()) {
        hooks.released(q);
        undeploy(q);
      }
    }
  }

  /**
   * Deletes a queue this node owns: forgets it, ends its consumers with {@code reason} and
   * drops its messages; completes with how many it held. Its record is the caller's.
   */
  public Future<Long> delete(QueueEntry q, String reason) {
    directory.remove(q.id(), reason);
    hooks.released(q);
    return q.local().verticle().delete(reason)
        .compose(count -> vertx.undeploy(q.local().deploymentId()).map(count));
  }

  /** Asks the owner of a queue owned elsewhere to delete it; fails QUEUE_UNAVAILABLE while it has none. */
  public Future<Long> deleteOnOwner(QueueEntry q, boolean ifUnused, boolean ifEmpty) {
    if (q.link() instanceof RemoteQueue r) {
      return r.delete(ifUnused, ifEmpty);
    }
    return Future.failedFuture(ErrorCode.queueUnavailable(q.name(), "is changing owner; try again"));
  }

  private void undeploy(QueueEntry q) {
    vertx.undeploy(q.local().deploymentId()).onFailure(e -> log.debug("undeploying queue {}: {}", q.name(),
        e.getMessage()));
  }

  /**
   * Logs that this node owns {@code q} now: {@code cause} is declared, recovered (at start),
   * assigned (another node asked: a new queue placed here, or one handed over by a node that
   * stops) or taken-over (its owner is gone), {@code from} the former owner when known.
   */
  public void logOwned(QueueEntry q, String cause, String from, long startedNanos) {
    var event = ownershipEvent(log.atInfo(), "queue.owned", q).addKeyValue("cause", cause);
    if (from != null) {
      event = event.addKeyValue("from", from);
    }
    event.addKeyValue("elapsed_ms", (System.nanoTime() - startedNanos) / 1_000_000)
        .log("queue {} owned here ({})", q.name(), cause);
  }

  /** The fields of every event about a queue this node owns, or owned. */
  private LoggingEventBuilder ownershipEvent(LoggingEventBuilder builder, String event, QueueEntry q) {
    return builder.addKeyValue("event", event).addKeyValue("queue", q.name()).addKeyValue("vhost", q.vhost())
        .addKeyValue("queue_id", q.id()).addKeyValue("epoch", q.epoch()).addKeyValue("node", self);
  }
}
