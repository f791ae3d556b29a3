package io.junctionmq.cluster;

import io.junctionmq.async.Serial;
import io.junctionmq.queue.LeaseClock;
import io.junctionmq.store.MetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over the queues of nodes that are gone. A queue whose owner left (Hazelcast says so)
 * or whose lease ran out is an orphan; one survivor, chosen from the queue id among the live
 * members, takes it at once, so that survivors share the work without talking, and any other
 * after a grace period; the lease's compare-and-set settles any disagreement. A periodic sweep
 * of the lease table catches what membership events missed.
 */
public final class Takeovers {
  private static final Logger log = LoggerFactory.getLogger(Takeovers.class);
  private static final long ORPHAN_GRACE_NANOS = 1_000_000_000L;
  /**
   * How long a lease given up by a live owner is left to the node it hands the queue to (a
   * stop or a rebalance) before the queue counts as orphaned.
   */
  private static final long HAND_OVER_GRACE_NANOS = 5_000_000_000L;
  /**
   * How long a node whose lease clock ran out (it was paused, or could not reach PostgreSQL)
   * waits before it acts on Hazelcast's word again: the suspicion time, then a merge (Hazelcast
   * looks for one every 5 s, conf/cluster.xml).
   */
  private static final long SETTLING_NANOS = 2 * LeaseKeeper.SUSPICION_NANOS;

  private final Vertx vertx;
  private final String self;
  private final Membership membership;
  private final MetadataStore metadata;
  private final QueueDirectory directory;
  private final QueueOwnership ownership;
  private final MetadataEvents events;
  private final Serial serial;
  private final LeaseClock leaseClock;
  /** When this node first saw each orphaned queue. */
  private final Map<Long, Long> orphanSince = new HashMap<>();
  /** When this node first saw each lease given up by a live owner (a hand-over under way). */
  private final Map<Long, Long> releasedSince = new HashMap<>();
  private boolean graceCheckPending;
  /** The most broker nodes this node has seen at once, itself included. */
  private int largestMembership = 1;

  public Takeovers(Vertx vertx, Membership membership, MetadataStore metadata, QueueDirectory directory,
                   QueueOwnership ownership, MetadataEvents events, Serial serial, LeaseClock leaseClock) {
    this.vertx = vertx;
    this.self = membership.self();
    this.membership = membership;
    this.metadata = metadata;
    this.directory = directory;
    this.ownership = ownership;
    this.events = events;
    this.serial = serial;
    this.leaseClock = leaseClock;
  }

  /**
   * Catches what events missed (this node was paused or cut off, an event was lost): the
   * lease table says who owns each queue; a queue whose lease ran out, or whose owner is not
   * a live member, is an orphan to take over.
   */
  void sweep() {
    metadata.leases().onSuccess(leases -> serial.submit(() -> {
      Set<String> members = membership.members();
      long now = System.nanoTime();
      var released = new HashSet<Long>();
      for (var lease : leases) {
        QueueEntry q = directory.queue(lease.queueId());
        if (q == null || q.ownedHere() || directory.findVhost(q.vhost()) == null) {
          continue;
        }
        String holder = lease.owner();
        boolean live = holder != null && !lease.expired() && members.contains(holder);
        if (live && !holder.equals(self) && (!holder.equals(q.owner()) || q.epoch() < lease.epoch())) {
          directory.put(QueueEntry.ownedBy(q.id(), q.queue(), q.exclusiveOwner(),
              ownership.remote(holder, q.id(), lease.epoch())));
        } else if (!live && q.owner() != null) {
          if (holder == null && members.contains(q.owner())) {
            released.add(q.id());
            if (now - releasedSince.computeIfAbsent(q.id(), id -> now) < HAND_OVER_GRACE_NANOS) {
              continue;
            }
          }
          directory.put(q.orphaned());
        } else {
          directory.refresh(q);
        }
      }
      releasedSince.keySet().retainAll(released);
      return takeOverOrphans(members);
    })).onFailure(e -> log.warn("reading queue leases failed: {}", e.getMessage()));
  }

  /**
   * Takes over the queues whose owner is not a live member and that fall to this node; a
   * non-durable or exclusive one is deleted instead (it dies with its node, as in RabbitMQ).
   * Runs on the serial.
   */
  Future<Void> takeOverOrphans(Set<String> members) {
    List<String> live = members.stream().sorted().toList();
    if (live.isEmpty() || !live.contains(self) || ownership.stopping()) {
      return Future.succeededFuture();
    }
    largestMembership = Math.max(largestMembership, live.size());
    // Hazelcast's word that a node is gone is enough only with a majority of the largest
    // cluster seen; a node cut off from the others must not take their queues from them.
    // Without it, only leases that ran out (their owner stopped renewing) are taken. A node
    // back from a pause is not trusted either until its view has settled: its Hazelcast
    // member drops the others one by one before it merges back, and a passing view such as
    // "me and one other" looks like a majority that lost a node which is alive.
    boolean majority = live.size() * 2 > largestMembership && leaseClock.steadyFor(SETTLING_NANOS);
    long now = System.nanoTime();
    var orphans = new HashSet<Long>();
    var takeovers = new ArrayList<Future<Void>>();
    for (QueueEntry q : List.copyOf(directory.queues())) {
      if (q.ownedHere() || (q.owner() != null && members.contains(q.owner()))) {
        continue;
      }
      orphans.add(q.id());
      long since = orphanSince.computeIfAbsent(q.id(), id -> now);
      int index = Math.floorMod(Long.hashCode(q.id() * 0x9E3779B97F4A7C15L), live.size());
      // The designated survivor takes it at once; any other, if it is still orphaned after a
      // grace period (the designated one may not have noticed the departure yet).
      if (!live.get(index).equals(self) && now - since < ORPHAN_GRACE_NANOS) {
        continue;
      }
      // All at once: one slow takeover must not hold back the queues behind it.
      takeovers.add(takeOver(q, majority).recover(e -> {
        log.warn("taking over queue {} failed: {}", q.name(), e.getMessage());
        return Future.succeededFuture();
      }));
    }
    orphanSince.keySet().retainAll(orphans);
    if (!orphans.isEmpty() && !graceCheckPending) {
      graceCheckPending = true;
      vertx.setTimer(ORPHAN_GRACE_NANOS / 1_000_000 + 50, t -> serial.submit(() -> {
        graceCheckPending = false;
        return takeOverOrphans(membership.members());
      }));
    }
    return Future.join(takeovers).mapEmpty();
  }

  private Future<Void> takeOver(QueueEntry q, boolean fromDepartedOwner) {
    if (directory.findVhost(q.vhost()) == null || directory.queue(q.id()) != q) {
      return Future.succeededFuture();
    }
    if (!q.queue().durable() || q.queue().exclusive()) {
      if (!fromDepartedOwner) {
        return Future.succeededFuture();
      }
      log.atInfo().addKeyValue("event", "queue.deleted").addKeyValue("queue", q.name())
          .addKeyValue("vhost", q.vhost()).addKeyValue("queue_id", q.id()).addKeyValue("from", q.formerOwner())
          .addKeyValue("reason", "its node is gone and it was not durable (or exclusive)")
          .log("queue {} in vhost {} died with node {}", q.name(), q.vhost(), q.owner());
      return metadata.deleteQueue(q.id()).onSuccess(v -> {
        String reason = "queue '" + q.name() + "' was lost with node " + q.owner();
        ownership.forget(q.id(), reason);
        events.queueDeleted(q, reason);
      });
    }
    long started = System.nanoTime();
    return ownership.own(q.id(), q.queue(), null, fromDepartedOwner ? q.owner() : null)
        .onSuccess(taken -> ownership.logOwned(taken, "taken-over", q.formerOwner(), started)).mapEmpty();
  }
}
