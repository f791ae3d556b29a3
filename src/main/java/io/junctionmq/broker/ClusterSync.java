package io.junctionmq.broker;

import io.junctionmq.cluster.Protocol;
import io.junctionmq.cluster.RemoteQueue;
import io.junctionmq.model.Binding;
import io.junctionmq.store.MetadataStore;
import io.junctionmq.model.QueueStats;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's view in step with the cluster and its queues owned: applies the other
 * nodes' metadata events, announces this node's queue counts, renews this node's leases,
 * and takes over the queues of nodes that are gone. Standalone, it only renews leases.
 *
 * <p>A queue whose owner left (Hazelcast says so) or whose lease ran out is taken over by
 * one survivor, chosen from the queue id among the live members, so that survivors share
 * the work without talking; the lease's compare-and-set settles any disagreement.
 */
final class ClusterSync {
  private static final Logger log = LoggerFactory.getLogger(ClusterSync.class);
  private static final long STATS_INTERVAL_MS = 1000;
  private static final long ORPHAN_GRACE_NANOS = 1_000_000_000L;
  private static final long RESYNC_INTERVAL_MS = 30_000;
  /** Hazelcast's max.no.heartbeat (conf/cluster.xml): a silent member is dropped after this. */
  private static final long SUSPICION_NANOS = 5_000_000_000L;
  /**
   * How long a node whose lease clock ran out (it was paused, or could not reach PostgreSQL)
   * waits before it acts on Hazelcast's word again: the suspicion time, then a merge (Hazelcast
   * looks for one every 5 s, conf/cluster.xml).
   */
  private static final long SETTLING_NANOS = 2 * SUSPICION_NANOS;

  private final BrokerImpl broker;
  private final Map<Long, QueueStats> announcedStats = new HashMap<>();
  private NodeEndpoint endpoint;
  private String endpointDeployment;
  private MessageConsumer<JsonObject> events;
  private final List<Long> timers = new ArrayList<>();
  /** When this node first saw each orphaned queue. */
  private final Map<Long, Long> orphanSince = new HashMap<>();
  private boolean graceCheckPending;
  /** The most broker nodes this node has seen at once, itself included. */
  private int largestMembership = 1;
  private final AtomicBoolean renewing = new AtomicBoolean();
  private volatile Set<String> lastMembers = Set.of();
  /** The members as last logged, to log who joined and who left. */
  private Set<String> loggedMembers = Set.of();

  ClusterSync(BrokerImpl broker) {
    this.broker = broker;
  }

  private boolean clustered() {
    return broker.vertx.isClustered();
  }

  /** Starts serving this node's address and listening to the other nodes (clustered only). */
  Future<Void> listen() {
    if (!clustered()) {
      return Future.succeededFuture();
    }
    endpoint = new NodeEndpoint(broker);
    loggedMembers = broker.membership.members();
    return broker.vertx.deployVerticle(endpoint)
        .compose(id -> {
          endpointDeployment = id;
          events = broker.vertx.eventBus().consumer(Protocol.METADATA, m -> broker.serial.submit(() -> {
            apply(m.body());
            return Future.succeededFuture();
          }).onFailure(e -> log.warn("applying {} failed: {}", m.body().getString("event"), e.toString())));
          broker.membership.onChange(members -> {
            endpoint.membersChanged(members);
            boolean grew = !lastMembers.containsAll(members);
            logChanges(loggedMembers, members);
            loggedMembers = members;
            lastMembers = members;
            // A node that comes back (from a pause or a partition) may have missed changes.
            broker.serial.submit(() -> (grew ? resync() : Future.<Void>succeededFuture())
                .compose(v -> takeOverOrphans(members)));
          });
          return events.completion();
        });
  }

  /**
   * Logs each node that joined or left; a node that left with queues starts a failover: the
   * queue.hosted events (cause taken-over) of the survivors that take them follow.
   */
  private void logChanges(Set<String> before, Set<String> after) {
    for (String gone : before) {
      if (!after.contains(gone)) {
        long owned = broker.byId.values().stream().filter(q -> !q.hostedHere() && gone.equals(formerOwner(q))).count();
        log.atInfo().addKeyValue("event", "cluster.member.left").addKeyValue("node", gone)
            .addKeyValue("queues", owned).addKeyValue("members", after).addKeyValue("observer", broker.nodeId)
            .log("node {} left the cluster with {} queues", gone, owned);
      }
    }
    for (String joined : after) {
      if (!before.contains(joined)) {
        log.atInfo().addKeyValue("event", "cluster.member.joined").addKeyValue("node", joined)
            .addKeyValue("members", after).addKeyValue("observer", broker.nodeId)
            .log("node {} joined the cluster", joined);
      }
    }
  }

  /**
   * Anti-entropy: reads the whole record from PostgreSQL and makes this node's view match it
   * (what an event missed while this node was paused or cut off: a queue declared or deleted,
   * a binding). Queues this node hosts are left alone; runs on the serial, so no change of
   * this node's own is in flight meanwhile.
   */
  Future<Void> resync() {
    return broker.metadata.load().compose(md -> broker.metadata.leases().map(leases -> {
      var leaseOf = new HashMap<Long, MetadataStore.Lease>();
      leases.forEach(l -> leaseOf.put(l.queueId(), l));
      var storedVhosts = new HashSet<>(md.vhosts());
      storedVhosts.add("/");
      storedVhosts.forEach(v -> broker.vhosts.computeIfAbsent(v, Vhost::new));
      for (Vhost h : List.copyOf(broker.vhosts.values())) {
        if (!storedVhosts.contains(h.name)) {
          broker.vhosts.remove(h.name);
          List.copyOf(h.queues.values()).forEach(q -> broker.forgetQueue(h, q.id(), "vhost '" + h.name + "' deleted"));
        }
      }
      var storedExchanges = new HashSet<String>();
      for (var e : md.exchanges()) {
        Vhost h = broker.vhosts.get(e.vhost());
        if (h != null && !Vhost.reserved(e.name())) {
          storedExchanges.add(e.vhost() + '\u0000' + e.name());
          if (!e.equals(h.topology.exchange(e.name()))) {
            h.topology.putExchange(e);
          }
        }
      }
      var storedQueues = new HashSet<Long>();
      for (var sq : md.queues()) {
        storedQueues.add(sq.id());
        Vhost h = broker.vhosts.get(sq.queue().vhost());
        MetadataStore.Lease lease = leaseOf.get(sq.id());
        if (h != null && !broker.byId.containsKey(sq.id()) && lease != null && lease.owner() != null
            && !lease.owner().equals(broker.nodeId)) {
          String exclusiveOwner = sq.queue().exclusive() ? "connection on node " + lease.owner() : null;
          broker.put(h, new Vhost.QueueEntry(sq.id(), sq.queue(), exclusiveOwner, lease.owner(), lease.epoch(),
              broker.newRemote(lease.owner(), sq.id(), lease.epoch()), null, null));
        }
      }
      for (Vhost h : broker.vhosts.values()) {
        for (var e : List.copyOf(h.topology.exchanges())) {
          if (!Vhost.reserved(e.name()) && !storedExchanges.contains(h.name + '\u0000' + e.name())) {
            h.topology.removeExchange(e.name());
          }
        }
        for (var q : List.copyOf(h.queues.values())) {
          if (!q.hostedHere() && !storedQueues.contains(q.id())) {
            broker.forgetQueue(h, q.id(), "queue '" + q.queue().name() + "' was deleted");
          }
        }
        var storedBindings = new HashSet<Binding>();
        md.bindings().stream().filter(b -> b.vhost().equals(h.name)).forEach(storedBindings::add);
        for (Binding b : h.topology.bindings()) {
          if (!storedBindings.contains(b)) {
            h.topology.removeBinding(b);
          }
        }
        for (Binding b : storedBindings) {
          if (h.topology.exchange(b.source()) != null && BrokerImpl.destinationExists(h, b)) {
            h.topology.addBinding(b);
          }
        }
      }
      return null;
    }));
  }

  void startTimers() {
    broker.leaseClock.renewWith(() -> broker.vertx.runOnContext(v -> renewLeases()));
    if (clustered()) {
      broker.serial.submit(() -> takeOverOrphans(broker.membership.members()));
    }
    long renew = broker.settings.leaseRenewInterval().toMillis();
    timers.add(broker.vertx.setPeriodic(renew, t -> renewLeases()));
    if (clustered()) {
      timers.add(broker.vertx.setPeriodic(STATS_INTERVAL_MS, t -> announceStats()));
      timers.add(broker.vertx.setPeriodic(renew, t -> sweep()));
      timers.add(broker.vertx.setPeriodic(RESYNC_INTERVAL_MS, t -> broker.serial.submit(this::resync)
          .onFailure(e -> log.warn("re-reading the metadata failed: {}", e.getMessage()))));
    }
  }

  void stopTimers() {
    timers.forEach(broker.vertx::cancelTimer);
    timers.clear();
  }

  Future<Void> close() {
    if (!clustered()) {
      return Future.succeededFuture();
    }
    return events.unregister().eventually(() -> broker.vertx.undeploy(endpointDeployment));
  }

  /** Tells the other nodes about a change this node made (already in PostgreSQL). */
  void announce(JsonObject event) {
    if (clustered()) {
      broker.vertx.eventBus().publish(Protocol.METADATA, event);
    }
  }

  /** The live member that owns the fewest queues (this node on a tie): where a new queue goes. */
  String placement() {
    Set<String> members = broker.membership.members();
    Map<String, Integer> owned = new HashMap<>();
    members.forEach(m -> owned.put(m, 0));
    for (Vhost.QueueEntry q : broker.byId.values()) {
      owned.computeIfPresent(q.node() == null ? "" : q.node(), (m, n) -> n + 1);
    }
    String best = broker.nodeId;
    int least = owned.getOrDefault(best, 0);
    for (String m : members.stream().sorted().toList()) {
      if (owned.get(m) < least) {
        best = m;
        least = owned.get(m);
      }
    }
    return best;
  }

  /**
   * Where each of {@code leaving} goes when this node stops: the other live members in turn;
   * none (the queue just stops) for a non-durable or exclusive queue, or standalone.
   */
  Map<Long, String> successors(List<Vhost.QueueEntry> leaving) {
    List<String> others = broker.membership.members().stream().filter(m -> !m.equals(broker.nodeId)).sorted()
        .toList();
    Map<Long, String> successors = new HashMap<>();
    int next = 0;
    for (Vhost.QueueEntry q : leaving) {
      if (!others.isEmpty() && clustered() && q.queue().durable() && !q.queue().exclusive()) {
        successors.put(q.id(), others.get(next++ % others.size()));
      }
    }
    return successors;
  }

  // ---- the other nodes' events, on the serial ----

  private void apply(JsonObject e) {
    if (broker.nodeId.equals(e.getString("origin"))) {
      return;
    }
    String event = e.getString("event");
    if (event.equals(MetadataEvents.VHOST)) {
      broker.vhosts.computeIfAbsent(e.getString("name"), Vhost::new);
      return;
    }
    if (event.equals(MetadataEvents.VHOST_DELETED)) {
      Vhost h = broker.vhosts.remove(e.getString("name"));
      if (h != null) {
        List.copyOf(h.queues.values()).forEach(q -> broker.forgetQueue(h, q.id(), "vhost '" + h.name + "' deleted"));
      }
      return;
    }
    if (event.equals(MetadataEvents.STATS)) {
      stats(e);
      return;
    }
    Vhost h = broker.vhosts.get(e.getString("vhost"));
    if (h == null) {
      return;
    }
    switch (event) {
      case MetadataEvents.EXCHANGE -> h.topology.putExchange(MetadataEvents.exchange(e));
      case MetadataEvents.EXCHANGE_DELETED -> h.topology.removeExchange(e.getString("name"));
      case MetadataEvents.QUEUE -> queueMoved(h, e);
      case MetadataEvents.QUEUE_DELETED -> broker.forgetQueue(h, e.getLong("id"), e.getString("reason"));
      case MetadataEvents.BINDING -> {
        Binding b = MetadataEvents.binding(e);
        if (h.topology.exchange(b.source()) != null && BrokerImpl.destinationExists(h, b)) {
          h.topology.addBinding(b);
        }
      }
      case MetadataEvents.BINDING_DELETED -> h.topology.removeBinding(MetadataEvents.binding(e));
      default -> log.debug("ignoring metadata event {}", event);
    }
  }

  /** A queue declared, or owned by a new node: this node's view follows, and its consumers go there. */
  private void queueMoved(Vhost h, JsonObject e) {
    long id = e.getLong("id");
    String node = e.getString("node");
    long epoch = e.getLong("epoch");
    Vhost.QueueEntry known = broker.byId.get(id);
    if (known != null && known.epoch() >= epoch) {
      return;
    }
    if (known != null && known.hostedHere()) {
      broker.unhost(known, "node " + node + " took it over at epoch " + epoch);
    }
    broker.put(h, new Vhost.QueueEntry(id, MetadataEvents.queue(e), e.getString("exclusive_owner"), node, epoch,
        broker.newRemote(node, id, epoch), null, null));
  }

  private void stats(JsonObject e) {
    String origin = e.getString("origin");
    JsonObject queues = e.getJsonObject("queues");
    for (String id : queues.fieldNames()) {
      Vhost.QueueEntry q = broker.byId.get(Long.parseLong(id));
      if (q != null && q.link() instanceof RemoteQueue r && r.owner().equals(origin)) {
        JsonArray a = queues.getJsonArray(id);
        r.stats(new QueueStats(a.getLong(0), a.getLong(1), a.getLong(2), a.getInteger(3), a.getLong(4),
            a.getLong(5), a.getLong(6), a.getLong(7), a.getLong(8), a.getLong(9), a.getLong(10)));
      }
    }
  }

  private void announceStats() {
    JsonObject changed = new JsonObject();
    var hosted = new HashSet<Long>();
    for (Vhost.QueueEntry q : broker.hostedHere()) {
      hosted.add(q.id());
      QueueStats s = q.stats();
      if (!s.equals(announcedStats.put(q.id(), s))) {
        changed.put(Long.toString(q.id()), new JsonArray().add(s.messagesReady()).add(s.messagesUnacknowledged())
            .add(s.messageBytesReady()).add(s.consumers()).add(s.published()).add(s.delivered())
            .add(s.acknowledged()).add(s.redelivered()).add(s.deadLettered()).add(s.windowMessages())
            .add(s.windowBytes()));
      }
    }
    announcedStats.keySet().retainAll(hosted);
    if (!changed.isEmpty()) {
      announce(MetadataEvents.event(MetadataEvents.STATS, broker.nodeId).put("queues", changed));
    }
  }

  // ---- leases and takeovers ----

  /**
   * How long after a successful renewal this node may act as the owner without another: less
   * than the lease, and in a cluster less than Hazelcast's suspicion time (5 s without
   * heartbeats), after which the others may take its queues over without waiting for the lease.
   */
  long leaseWindowNanos() {
    long ttl = broker.settings.leaseTtl().toNanos();
    long bound = clustered() ? Math.min(ttl, SUSPICION_NANOS) : ttl;
    return bound > 2_000_000_000L ? bound - 1_000_000_000L : bound / 2;
  }

  private void renewLeases() {
    if (!renewing.compareAndSet(false, true)) {
      return;
    }
    long sentAt = System.nanoTime();
    // Only the queues hosted before the renewal was sent: one leased meanwhile is not in its answer.
    List<Vhost.QueueEntry> hosted = broker.hostedHere();
    broker.metadata.renewLeases(broker.nodeId, broker.settings.leaseTtl()).onComplete(ar -> {
      renewing.set(false);
      if (ar.failed()) {
        log.atWarn().addKeyValue("event", "lease.renewal.failed").addKeyValue("node", broker.nodeId)
            .addKeyValue("error", ar.cause().getMessage()).log("renewing queue leases failed");
        return;
      }
      var held = new HashSet<>(ar.result());
      var lost = hosted.stream().filter(q -> !held.contains(q.id())).toList();
      if (lost.isEmpty()) {
        broker.leaseClock.renewed(sentAt, leaseWindowNanos());
        return;
      }
      broker.serial.submit(() -> {
        lost.forEach(q -> broker.unhost(q, "lost its lease; another node owns it now"));
        // Only now: a queue held back by the clock must find itself closed, not deliver.
        broker.leaseClock.renewed(sentAt, leaseWindowNanos());
        return Future.succeededFuture();
      });
    });
  }

  /**
   * Catches what events missed (this node was paused or cut off, an event was lost): the
   * lease table says who owns each queue; a queue whose lease ran out, or whose owner is not
   * a live member, is an orphan to take over.
   */
  private void sweep() {
    broker.metadata.leases().onSuccess(leases -> broker.serial.submit(() -> {
      Set<String> members = broker.membership.members();
      for (var lease : leases) {
        Vhost.QueueEntry q = broker.byId.get(lease.queueId());
        Vhost h = q == null ? null : broker.vhosts.get(q.queue().vhost());
        if (h == null || q.hostedHere()) {
          continue;
        }
        String holder = lease.owner();
        boolean live = holder != null && !lease.expired() && members.contains(holder);
        if (live && !holder.equals(broker.nodeId) && (!holder.equals(q.node()) || q.epoch() < lease.epoch())) {
          broker.put(h, new Vhost.QueueEntry(q.id(), q.queue(), q.exclusiveOwner(), holder, lease.epoch(),
              broker.newRemote(holder, q.id(), lease.epoch()), null, null));
        } else if (!live && q.node() != null) {
          broker.put(h, new Vhost.QueueEntry(q.id(), q.queue(), q.exclusiveOwner(), null, q.epoch(), q.link(),
              null, null));
        } else {
          broker.reattach(h.name, q);
        }
      }
      return takeOverOrphans(members);
    })).onFailure(e -> log.warn("reading queue leases failed: {}", e.getMessage()));
  }

  /**
   * Takes over the queues whose owner is not a live member and that fall to this node; a
   * non-durable or exclusive one is deleted instead (it dies with its node, as in RabbitMQ).
   */
  private Future<Void> takeOverOrphans(Set<String> members) {
    List<String> live = members.stream().sorted().toList();
    if (live.isEmpty() || !live.contains(broker.nodeId) || broker.stopping) {
      return Future.succeededFuture();
    }
    largestMembership = Math.max(largestMembership, live.size());
    // Hazelcast's word that a node is gone is enough only with a majority of the largest
    // cluster seen; a node cut off from the others must not take their queues from them.
    // Without it, only leases that ran out (their owner stopped renewing) are taken. A node
    // back from a pause is not trusted either until its view has settled: its Hazelcast
    // member drops the others one by one before it merges back, and a passing view such as
    // "me and one other" looks like a majority that lost a node which is alive.
    boolean majority = live.size() * 2 > largestMembership && broker.leaseClock.steadyFor(SETTLING_NANOS);
    long now = System.nanoTime();
    var orphans = new HashSet<Long>();
    var takeovers = new ArrayList<Future<Void>>();
    for (Vhost.QueueEntry q : List.copyOf(broker.byId.values())) {
      if (q.hostedHere() || (q.node() != null && members.contains(q.node()))) {
        continue;
      }
      orphans.add(q.id());
      long since = orphanSince.computeIfAbsent(q.id(), id -> now);
      int index = Math.floorMod(Long.hashCode(q.id() * 0x9E3779B97F4A7C15L), live.size());
      // The designated survivor takes it at once; any other, if it is still orphaned after a
      // grace period (the designated one may not have noticed the departure yet).
      if (!live.get(index).equals(broker.nodeId) && now - since < ORPHAN_GRACE_NANOS) {
        continue;
      }
      // All at once: one slow takeover must not hold back the queues behind it.
      takeovers.add(takeOver(q, majority).recover(e -> {
        log.warn("taking over queue {} failed: {}", q.queue().name(), e.getMessage());
        return Future.succeededFuture();
      }));
    }
    orphanSince.keySet().retainAll(orphans);
    if (!orphans.isEmpty() && !graceCheckPending) {
      graceCheckPending = true;
      broker.vertx.setTimer(ORPHAN_GRACE_NANOS / 1_000_000 + 50, t -> broker.serial.submit(() -> {
        graceCheckPending = false;
        return takeOverOrphans(broker.membership.members());
      }));
    }
    return Future.join(takeovers).mapEmpty();
  }

  private Future<Void> takeOver(Vhost.QueueEntry q, boolean fromDepartedOwner) {
    Vhost h = broker.vhosts.get(q.queue().vhost());
    if (h == null || broker.byId.get(q.id()) != q) {
      return Future.succeededFuture();
    }
    if (!q.queue().durable() || q.queue().exclusive()) {
      if (!fromDepartedOwner) {
        return Future.succeededFuture();
      }
      log.atInfo().addKeyValue("event", "queue.deleted").addKeyValue("queue", q.queue().name())
          .addKeyValue("vhost", h.name).addKeyValue("queue_id", q.id()).addKeyValue("from", formerOwner(q))
          .addKeyValue("reason", "its node is gone and it was not durable (or exclusive)")
          .log("queue {} in vhost {} died with node {}", q.queue().name(), h.name, q.node());
      return broker.metadata.deleteQueue(q.id()).onSuccess(v -> {
        String reason = "queue '" + q.queue().name() + "' was lost with node " + q.node();
        broker.forgetQueue(h, q.id(), reason);
        announce(MetadataEvents.event(MetadataEvents.QUEUE_DELETED, broker.nodeId).put("vhost", h.name)
            .put("name", q.queue().name()).put("id", q.id()).put("reason", reason));
      });
    }
    long started = System.nanoTime();
    return broker.host(h, q.id(), q.queue(), null, fromDepartedOwner ? q.node() : null, true)
        .onSuccess(taken -> broker.logHosted(taken, "taken-over", formerOwner(q), started)).mapEmpty();
  }

  /** The queue's owner, or the last one known when it is orphaned (the sweep forgets the owner, not its link). */
  private static String formerOwner(Vhost.QueueEntry q) {
    return q.node() != null ? q.node() : q.link() instanceof RemoteQueue r ? r.owner() : null;
  }
}
