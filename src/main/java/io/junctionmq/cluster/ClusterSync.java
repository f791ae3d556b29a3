package io.junctionmq.cluster;

import io.junctionmq.async.Serial;
import io.junctionmq.model.QueueMove;
import io.junctionmq.queue.LeaseClock;
import io.junctionmq.store.MetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node in step with the cluster: serves the node's address ({@link NodeEndpoint}),
 * hands the other nodes' metadata events to the {@link MetadataReplica} and their counts to
 * the {@link StatsGossip}, and on every change of membership (and every few seconds, for what
 * an event missed) lets the {@link Takeovers} take the queues of nodes that are gone.
 * Standalone, it only starts the {@link LeaseKeeper}.
 */
public final class ClusterSync {
  private static final Logger log = LoggerFactory.getLogger(ClusterSync.class);
  private static final long STATS_INTERVAL_MS = 1000;
  private static final long RESYNC_INTERVAL_MS = 30_000;

  /** Deletes a queue as the broker does (its record, its bindings), when another node asks. */
  public interface QueueDeleter {
    Future<Long> delete(String vhost, String name, boolean ifUnused, boolean ifEmpty);
  }

  /** The timings of leases and of requests between nodes, and when and how queues are rebalanced. */
  public record Settings(Duration leaseTtl, Duration leaseRenewInterval, Duration requestTimeout,
                         Rebalancer.Settings rebalance) {
  }

  private final Vertx vertx;
  private final Membership membership;
  private final MetadataStore metadata;
  private final QueueDirectory directory;
  private final Serial serial;
  private final MetadataEvents events;
  private final QueueOwnership ownership;
  private final Placement placement;
  private final MetadataReplica replica;
  private final LeaseKeeper leases;
  private final Takeovers takeovers;
  private final StatsGossip stats;
  private final NodeEndpoint endpoint;
  private final Rebalancer rebalancer;
  private final long sweepIntervalMs;
  private String endpointDeployment;
  private MessageConsumer<JsonObject> consumer;
  private final List<Long> timers = new ArrayList<>();
  private volatile Set<String> lastMembers = Set.of();
  /** The members as last logged, to log who joined and who left. */
  private Set<String> loggedMembers = Set.of();

  public ClusterSync(Vertx vertx, Membership membership, MetadataStore metadata, QueueDirectory directory,
                     Serial serial, QueueOwnership.Hooks hooks, QueueDeleter deleter, Settings settings) {
    this.vertx = vertx;
    this.membership = membership;
    this.metadata = metadata;
    this.directory = directory;
    this.serial = serial;
    this.events = new MetadataEvents(vertx, membership.self());
    this.ownership = new QueueOwnership(vertx, membership, metadata, directory, events, hooks, settings.leaseTtl(),
        settings.leaseRenewInterval(), settings.requestTimeout());
    this.placement = new Placement(membership, directory, vertx.isClustered());
    this.replica = new MetadataReplica(metadata, directory, ownership);
    this.leases = new LeaseKeeper(vertx, metadata, directory, ownership, serial, settings.leaseTtl(),
        settings.leaseRenewInterval());
    this.takeovers = new Takeovers(vertx, membership, metadata, directory, ownership, events, serial,
        leases.clock());
    this.stats = new StatsGossip(directory, events);
    this.endpoint = new NodeEndpoint(membership, directory, ownership, serial, deleter,
        settings.leaseRenewInterval().toMillis(), settings.requestTimeout().toMillis());
    this.rebalancer = new Rebalancer(membership, directory, ownership, events, serial, settings.rebalance());
    this.sweepIntervalMs = settings.leaseRenewInterval().toMillis();
  }

  public MetadataEvents events() {
    return events;
  }

  public QueueOwnership ownership() {
    return ownership;
  }

  public Placement placement() {
    return placement;
  }

  /**
   * Asks every node to move its share of a rebalance now; returns the moves planned, as this
   * node sees the cluster (none standalone).
   */
  public List<QueueMove> rebalance() {
    return clustered() ? rebalancer.request("api") : List.of();
  }

  /** Whether this node may still act as the owner of its queues (they hold deliveries while it may not). */
  public LeaseClock leaseClock() {
    return leases.clock();
  }

  private boolean clustered() {
    return vertx.isClustered();
  }

  /**
   * Starts: listens to the other nodes, loads the record into this node's view, owns again
   * the queues that are this node's to own, then starts the timers. Completes when every
   * queue owned here serves.
   */
  public Future<Void> start() {
    return listen().compose(v -> serial.submit(() -> metadata.load().compose(md -> metadata.leases().compose(leases -> {
      var leaseOf = new HashMap<Long, MetadataStore.Lease>();
      leases.forEach(l -> leaseOf.put(l.queueId(), l));
      return replica.loadTopology(md, membership.members().equals(Set.of(membership.self())))
          .compose(x -> ownership.recover(md.queues(), leaseOf))
          .onSuccess(x -> replica.loadBindings(md));
    })))).onSuccess(v -> startTimers());
  }

  /** Re-reads the whole record into this node's view now (normally every 30 s). */
  public Future<Void> resync() {
    return serial.submit(replica::resync);
  }

  /** Starts serving this node's address and listening to the other nodes (clustered only). */
  private Future<Void> listen() {
    if (!clustered()) {
      return Future.succeededFuture();
    }
    loggedMembers = membership.members();
    return vertx.deployVerticle(endpoint).compose(id -> {
      endpointDeployment = id;
      consumer = vertx.eventBus().consumer(Protocol.METADATA, m -> serial.submit(() -> {
        received(m.body());
        return Future.succeededFuture();
      }).onFailure(e -> log.warn("applying {} failed: {}", m.body().getString("event"), e.toString())));
      membership.onChange(this::membersChanged);
      return consumer.completion();
    });
  }

  private void received(JsonObject event) {
    if (MetadataEvents.STATS.equals(event.getString("event"))) {
      if (!membership.self().equals(event.getString("origin"))) {
        stats.apply(event);
      }
    } else if (MetadataEvents.REBALANCE.equals(event.getString("event"))) {
      rebalancer.requested(event.getString("origin"));
    } else {
      replica.apply(event);
    }
  }

  private void membersChanged(Set<String> members) {
    endpoint.membersChanged(members);
    boolean grew = !lastMembers.containsAll(members);
    logChanges(loggedMembers, members);
    loggedMembers = members;
    lastMembers = members;
    // A node that comes back (from a pause or a partition) may have missed changes.
    serial.submit(() -> (grew ? replica.resync() : Future.<Void>succeededFuture())
        .compose(v -> takeovers.takeOverOrphans(members)));
  }

  /**
   * Logs each node that joined or left; a node that left with queues starts a failover: the
   * queue.owned events (cause taken-over) of the survivors that take them follow.
   */
  private void logChanges(Set<String> before, Set<String> after) {
    for (String gone : before) {
      if (!after.contains(gone)) {
        long owned = directory.queues().stream().filter(q -> !q.ownedHere() && gone.equals(q.formerOwner())).count();
        log.atInfo().addKeyValue("event", "cluster.member.left").addKeyValue("node", gone)
            .addKeyValue("queues", owned).addKeyValue("members", after).addKeyValue("observer", membership.self())
            .log("node {} left the cluster with {} queues", gone, owned);
      }
    }
    for (String joined : after) {
      if (!before.contains(joined)) {
        log.atInfo().addKeyValue("event", "cluster.member.joined").addKeyValue("node", joined)
            .addKeyValue("members", after).addKeyValue("observer", membership.self())
            .log("node {} joined the cluster", joined);
      }
    }
  }

  /** Starts renewing leases, and in a cluster the counts, sweeps and re-reads. */
  private void startTimers() {
    leases.start();
    if (!clustered()) {
      return;
    }
    serial.submit(() -> takeovers.takeOverOrphans(membership.members()));
    timers.add(vertx.setPeriodic(STATS_INTERVAL_MS, t -> stats.announce()));
    timers.add(vertx.setPeriodic(sweepIntervalMs, t -> takeovers.sweep()));
    if (rebalancer.settings().auto() && membership.members().size() > 1) {
      // Joined and ready: after a settle delay (for other nodes joining at the same time), queues come here.
      long delay = Math.max(1, rebalancer.settings().delay().toMillis());
      timers.add(vertx.setTimer(delay, t -> rebalancer.request("joined")));
    }
    timers.add(vertx.setPeriodic(RESYNC_INTERVAL_MS, t -> serial.submit(replica::resync)
        .onFailure(e -> log.warn("re-reading the metadata failed: {}", e.getMessage()))));
  }

  /**
   * Stops: takes no more queues, hands every queue this node owns to its successor (or
   * releases it), then stops listening.
   */
  public Future<Void> stop() {
    ownership.stopTaking();
    leases.stop();
    timers.forEach(vertx::cancelTimer);
    timers.clear();
    return serial.submit(() -> ownership.handOverAll(placement.successors())).eventually(this::close);
  }

  private Future<Void> close() {
    if (!clustered()) {
      return Future.succeededFuture();
    }
    return consumer.unregister().eventually(() -> vertx.undeploy(endpointDeployment));
  }
}
