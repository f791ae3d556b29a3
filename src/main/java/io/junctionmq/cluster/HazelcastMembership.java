package io.junctionmq.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership from Hazelcast. Each node registers itself in the map {@value #MAP}: key its
 * Vert.x node id (the {@code __vertx.nodeId} attribute vertx-hazelcast gives every member),
 * value {@code {"node": <Junction node id>, "role": "broker"}}. A broker is a member while
 * its Hazelcast member is in the cluster and its registration is in the map, so a crashed
 * node drops out as soon as Hazelcast removes it, without waiting for anyone to clean the map.
 *
 * <p>Hazelcast listeners call in on Hazelcast's threads; they only read local state and
 * start asynchronous map operations. Blocking calls (registering listeners, reading the
 * whole map) run on Vert.x worker threads.
 */
final class HazelcastMembership implements Membership {
  static final String MAP = "junction.members";
  /** Set on every member by vertx-hazelcast; its value is the Vert.x node id. */
  static final String VERTX_NODE_ID = "__vertx.nodeId";
  private static final long TIMEOUT_SECONDS = 30;
  private static final long RECONCILE_MS = 1000;
  private static final Logger log = LoggerFactory.getLogger(HazelcastMembership.class);

  private final Vertx vertx;
  private final Context context;
  private final HazelcastInstance hazelcast;
  private final IMap<String, String> map;
  private final String vertxNodeId;
  private final String self;
  private final String registration;
  /** Registrations by Vert.x node id, as last seen: of live members and, briefly, of dead ones. */
  private final Map<String, Registration> registrations = new ConcurrentHashMap<>();
  private final List<Handler<Set<String>>> handlers = new CopyOnWriteArrayList<>();
  private volatile Set<String> members;
  private volatile boolean closed;
  /** 0: idle; 1: a store of the registration is in flight; more: reasons to store again came meanwhile. */
  private final AtomicInteger reregistering = new AtomicInteger();
  private UUID membershipListener;
  private UUID entryListener;
  private UUID partitionLostListener;
  private UUID lifecycleListener;
  private long reconcile = -1;

  private HazelcastMembership(Vertx vertx, HazelcastClusterManager manager, String self, MemberRole role) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.hazelcast = manager.getHazelcastInstance();
    this.map = hazelcast.getMap(MAP);
    this.vertxNodeId = manager.getNodeId();
    this.self = self;
    this.registration = new Registration(self, role).encode();
    this.members = role == MemberRole.BROKER ? Set.of(self) : Set.of();
  }

  /**
   * Registers this node as {@code self} with {@code role} and starts following the cluster;
   * completes once the registration is stored and the other members' are read, so that
   * {@link #members()} is complete from the start. Fails after 30 s if Hazelcast cannot do it.
   */
  static Future<Membership> join(Vertx vertx, ClusterManager clusterManager, String self, MemberRole role) {
    if (!(clusterManager instanceof HazelcastClusterManager manager)) {
      return Future.failedFuture(new IllegalStateException("Junction clusters through vertx-hazelcast only, not "
          + clusterManager.getClass().getName()));
    }
    var membership = new HazelcastMembership(vertx, manager, self, role);
    return vertx.<Membership>executeBlocking(() -> {
      membership.listen();
      membership.map.set(membership.vertxNodeId, membership.registration);
      membership.reload();
      return membership;
    }, false).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .onSuccess(m -> membership.reconcile = vertx.setPeriodic(RECONCILE_MS, t -> {
          // Events can be missed while members join at once: fetch what is missing, recompute.
          if (!membership.closed && membership.hazelcast.getLifecycleService().isRunning()) {
            membership.fetchMissing();
            membership.recompute();
          }
        }))
        .onFailure(e -> membership.close());
  }

  @Override
  public String self() {
    return self;
  }

  @Override
  public Set<String> members() {
    return members;
  }

  @Override
  public boolean joined() {
    // Once Hazelcast has shut down (it gave up on merging, say), members() is frozen at its last value.
    return !closed && hazelcast.getLifecycleService().isRunning() && members.contains(self);
  }

  @Override
  public void onChange(Handler<Set<String>> handler) {
    handlers.add(handler);
  }

  /** Stops following the cluster and removes this node's registration, so others drop it at once. */
  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    vertx.cancelTimer(reconcile);
    if (!hazelcast.getLifecycleService().isRunning()) {
      return Future.succeededFuture();
    }
    return vertx.<Void>executeBlocking(() -> {
      if (membershipListener != null) {
        hazelcast.getCluster().removeMembershipListener(membershipListener);
      }
      if (lifecycleListener != null) {
        hazelcast.getLifecycleService().removeLifecycleListener(lifecycleListener);
      }
      if (entryListener != null) {
        map.removeEntryListener(entryListener);
      }
      if (partitionLostListener != null) {
        map.removePartitionLostListener(partitionLostListener);
      }
      map.remove(vertxNodeId);
      return null;
    }, false).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .recover(e -> {
          log.warn("membership of {}: could not deregister: {}", self, e.toString());
          return Future.succeededFuture();
        });
  }

  /** Blocking: registers the listeners on Hazelcast. */
  private void listen() {
    membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        fetchMissing();
        recompute();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        recompute();
        String gone = event.getMember().getAttribute(VERTX_NODE_ID);
        if (gone != null) {
          registrations.remove(gone);
          // Every survivor tries; the first wins, the others find nothing to remove.
          quietly(map.removeAsync(gone), "remove the registration of a dead member");
        }
      }
    });
    // A member that dies before the partitions of a newly formed cluster have their backups
    // in place takes some entries with it, with no event; every node then says it again.
    partitionLostListener = map.addPartitionLostListener(event -> reregister("a partition of " + MAP + " was lost"));
    lifecycleListener = hazelcast.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED && !closed) {
        // Back from a split (a paused process, a healed partition): what this side believed
        // about the others may be gone, and the others may have dropped this node's entry.
        log.info("membership of {}: merged back into the cluster", self);
        vertx.executeBlocking(() -> {
          map.set(vertxNodeId, registration);
          reload();
          return null;
        }, false).onFailure(e -> log.warn("membership of {}: cannot re-register after a merge: {}", self, e.toString()));
      }
    });
    entryListener = map.addEntryListener(new RegistrationListener(), true);
  }

  /**
   * Blocking: reads every registration, then recomputes the members. It only adds: an entry
   * missing from the snapshot may have been added by an event since, and a registration
   * never changes its value (one Vert.x node, one Junction node), so what it knows of dead
   * members is harmless (they are not live) and forgotten when they are removed.
   */
  private void reload() {
    map.entrySet().forEach(e -> {
      Registration r = Registration.decode(e.getValue());
      if (r != null) {
        registrations.put(e.getKey(), r);
      }
    });
    recompute();
  }

  /** Looks up the registration of live members this node has none for (an event may have been missed). */
  private void fetchMissing() {
    for (String id : liveVertxNodeIds()) {
      if (!registrations.containsKey(id)) {
        map.getAsync(id).whenComplete((value, e) -> {
          Registration r = value == null ? null : Registration.decode(value);
          if (r != null && registrations.putIfAbsent(id, r) == null) {
            recompute();
          }
        });
      }
    }
  }

  private Set<String> liveVertxNodeIds() {
    Set<String> live = new HashSet<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      String id = member.getAttribute(VERTX_NODE_ID);
      if (id != null) {
        live.add(id);
      }
    }
    return live;
  }

  /**
   * Sets {@link #members} from the live Hazelcast members and the registrations, and tells
   * the handlers if it changed. Synchronized, so that handlers see the sets in the order they
   * were computed.
   */
  private synchronized void recompute() {
    if (closed || !hazelcast.getLifecycleService().isRunning()) {
      return;
    }
    Set<String> live = liveVertxNodeIds();
    Set<String> next = new TreeSet<>();
    registrations.forEach((id, r) -> {
      if (r.role() == MemberRole.BROKER && live.contains(id)) {
        next.add(r.node());
      }
    });
    if (next.equals(members)) {
      return;
    }
    Set<String> snapshot = Collections.unmodifiableSet(next);
    // Debug: a broker logs each node that joins or leaves (cluster.member.joined / left).
    log.debug("cluster members seen by {}: {}", self, snapshot);
    members = snapshot;
    context.runOnContext(v -> handlers.forEach(h -> h.handle(snapshot)));
  }

  /**
   * Stores this node's registration again, once for a burst of reasons (a lost member can
   * take dozens of partitions with it, each reported on its own); a reason that arrives while
   * a store is in flight causes one more store after it.
   */
  private void reregister(String why) {
    if (closed) {
      return;
    }
    if (reregistering.getAndIncrement() == 0) {
      log.info("membership of {}: registering again: {}", self, why);
      storeRegistration();
    }
  }

  private void storeRegistration() {
    map.setAsync(vertxNodeId, registration).whenComplete((v, e) -> {
      if (e != null && !closed) {
        log.debug("membership of {}: cannot register again: {}", self, e.toString());
      }
      // Some reasons arrived during the store: store once more, else done.
      if (reregistering.getAndSet(0) > 1 && !closed) {
        reregistering.set(1);
        storeRegistration();
      }
    });
  }

  private void quietly(CompletionStage<?> stage, String what) {
    stage.whenComplete((v, e) -> {
      if (e != null && !closed) {
        log.debug("membership of {}: cannot {}: {}", self, what, e.toString());
      }
    });
  }

  /** Keeps {@link #registrations} in step with the map; puts this node's own entry back if it vanishes. */
  private final class RegistrationListener implements EntryAddedListener<String, String>,
      EntryUpdatedListener<String, String>, EntryRemovedListener<String, String>, EntryMergedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      stored(event);
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      stored(event);
    }

    @Override
    public void entryMerged(EntryEvent<String, String> event) {
      stored(event);
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {
      registrations.remove(event.getKey());
      if (event.getKey().equals(vertxNodeId)) {
        // A survivor that believed this node dead removed its entry: it is alive, say so again.
        reregister("its registration was removed");
      }
      recompute();
    }

    private void stored(EntryEvent<String, String> event) {
      Registration r = event.getValue() == null ? null : Registration.decode(event.getValue());
      if (r != null) {
        registrations.put(event.getKey(), r);
        recompute();
      }
    }
  }

  /** One member's entry in {@value #MAP}, stored as a JSON string (no Hazelcast serializer needed). */
  record Registration(String node, MemberRole role) {
    String encode() {
      return new JsonObject().put("node", node).put("role", role.wireName()).encode();
    }

    /** The registration in {@code json}, or {@code null} if it is not one this version understands. */
    static Registration decode(String json) {
      try {
        var o = new JsonObject(json);
        MemberRole role = MemberRole.fromWireName(o.getString("role"));
        String node = o.getString("node");
        return role == null || node == null ? null : new Registration(node, role);
      } catch (RuntimeException e) {
        return null;
      }
    }
  }
}
