package io.junctionmq.cluster;

import io.junctionmq.async.Serial;
import io.junctionmq.queue.LeaseClock;
import io.junctionmq.store.MetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the leases of the queues this node owns, every {@code lease.renew-interval}, and
 * keeps the {@link LeaseClock} that tells the queues whether they may still deliver. A queue
 * whose lease another node holds now is lost: this node stops serving it.
 */
public final class LeaseKeeper {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);
  /** Hazelcast's max.no.heartbeat (conf/cluster.xml): a silent member is dropped after this. */
  static final long SUSPICION_NANOS = 5_000_000_000L;

  private final Vertx vertx;
  private final String self;
  private final MetadataStore metadata;
  private final QueueDirectory directory;
  private final QueueOwnership ownership;
  private final Serial serial;
  private final Duration ttl;
  private final Duration renewInterval;
  private final long windowNanos;
  private final LeaseClock clock;
  private final AtomicBoolean renewing = new AtomicBoolean();
  private long timer = -1;

  public LeaseKeeper(Vertx vertx, MetadataStore metadata, QueueDirectory directory, QueueOwnership ownership,
                     Serial serial, Duration ttl, Duration renewInterval) {
    this.vertx = vertx;
    this.self = ownership.self();
    this.metadata = metadata;
    this.directory = directory;
    this.ownership = ownership;
    this.serial = serial;
    this.ttl = ttl;
    this.renewInterval = renewInterval;
    this.windowNanos = window(ttl.toNanos(), vertx.isClustered());
    this.clock = new LeaseClock(windowNanos);
  }

  /**
   * How long after a successful renewal this node may act as the owner without another: less
   * than the lease, and in a cluster less than Hazelcast's suspicion time (5 s without
   * heartbeats), after which the others may take its queues over without waiting for the lease.
   */
  static long window(long ttlNanos, boolean clustered) {
    long bound = clustered ? Math.min(ttlNanos, SUSPICION_NANOS) : ttlNanos;
    return bound > 2_000_000_000L ? bound - 1_000_000_000L : bound / 2;
  }

  public LeaseClock clock() {
    return clock;
  }

  public void start() {
    clock.renewWith(() -> vertx.runOnContext(v -> renew()));
    timer = vertx.setPeriodic(renewInterval.toMillis(), t -> renew());
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  private void renew() {
    if (!renewing.compareAndSet(false, true)) {
      return;
    }
    long sentAt = System.nanoTime();
    // Only the queues owned before the renewal was sent: one leased meanwhile is not in its answer.
    List<QueueEntry> owned = directory.ownedHere();
    metadata.renewLeases(self, ttl).onComplete(ar -> {
      renewing.set(false);
      if (ar.failed()) {
        log.atWarn().addKeyValue("event", "lease.renewal.failed").addKeyValue("node", self)
            .addKeyValue("error", ar.cause().getMessage()).log("renewing queue leases failed");
        return;
      }
      var held = new HashSet<>(ar.result());
      var lost = owned.stream().filter(q -> !held.contains(q.id())).toList();
      if (lost.isEmpty()) {
        clock.renewed(sentAt, windowNanos);
        return;
      }
      serial.submit(() -> {
        lost.forEach(q -> ownership.lost(q, "lost its lease; another node owns it now"));
        // Only now: a queue held back by the clock must find itself closed, not deliver.
        clock.renewed(sentAt, windowNanos);
        return Future.succeededFuture();
      });
    });
  }
}
