package io.junctionmq.broker;

import io.junctionmq.async.Serial;
import io.junctionmq.cluster.InFlight;
import io.junctionmq.cluster.Membership;
import io.junctionmq.cluster.Protocol;
import io.junctionmq.cluster.RemoteConsumers;
import io.junctionmq.cluster.RemoteQueue;
import io.junctionmq.cluster.Wire;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueArguments;
import io.junctionmq.queue.DeadLetterSink;
import io.junctionmq.queue.LeaseClock;
import io.junctionmq.queue.MessageLatency;
import io.junctionmq.queue.QueueLimits;
import io.junctionmq.queue.QueuePolicy;
import io.junctionmq.queue.QueueVerticle;
import io.junctionmq.routing.Route;
import io.junctionmq.store.LeaseHeldException;
import io.junctionmq.store.MessageStore;
import io.junctionmq.store.MetadataStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The broker of one node. Every node knows every vhost, exchange, binding and queue; each
 * queue is owned by one node (a lease in PostgreSQL), which hosts its {@link QueueVerticle},
 * and the others reach it through a {@link RemoteQueue}. Metadata changes run one at a time
 * on the broker's context and are written to the {@link MetadataStore} before they take
 * effect and are announced to the other nodes; publishing routes on the caller's thread
 * against the topology and goes straight to the owning queue. {@link ClusterSync} applies
 * the other nodes' announcements and takes over the queues of nodes that are gone.
 */
public final class BrokerImpl implements Broker {
  private static final Logger log = LoggerFactory.getLogger(BrokerImpl.class);
  /** How often a publish to a queue that is changing owner is retried, 100 ms apart and more. */
  private static final int ENQUEUE_RETRIES = 10;
  /** How long a queue handed to another node waits for its consumers' acks. */
  private static final long HAND_OVER_DRAIN_MS = 2000;

  /** Tunables of a broker. */
  public record Settings(QueueLimits limits, Duration leaseTtl, Duration leaseRenewInterval,
                         Duration requestTimeout) {
  }

  final Vertx vertx;
  final String nodeId;
  final Membership membership;
  final Settings settings;
  final MetadataStore metadata;
  private final MessageStore durableStore;
  private final MessageStore memoryStore;
  final Map<String, Vhost> vhosts = new ConcurrentHashMap<>();
  /** Every queue this node knows, by id. */
  final Map<Long, Vhost.QueueEntry> byId = new ConcurrentHashMap<>();
  /** This node's consumers, by {@link #key(String, String)} of their queue. */
  private final Map<String, Set<AttachedConsumer>> consumers = new ConcurrentHashMap<>();
  private final Map<String, ClientConnection> connections = new ConcurrentHashMap<>();
  final RemoteConsumers remoteConsumers;
  private final InFlight inFlight;
  private final AtomicLong ids = new AtomicLong();
  private final QueueExpiry expiry;
  private final ClusterSync sync;
  final LeaseClock leaseClock;
  private MessageLatency latency = MessageLatency.NONE;
  Serial serial;
  /** Set when the node starts stopping: it takes no queues from other nodes any more. */
  volatile boolean stopping;

  public BrokerImpl(Vertx vertx, Membership membership, Settings settings, MetadataStore metadata,
                    MessageStore durableStore, MessageStore memoryStore) {
    this.vertx = vertx;
    this.membership = membership;
    this.nodeId = membership.self();
    this.settings = settings;
    this.metadata = metadata;
    this.durableStore = durableStore;
    this.memoryStore = memoryStore;
    this.remoteConsumers = new RemoteConsumers(nodeId);
    this.inFlight = new InFlight(membership, vertx, InFlight.GRACE_MILLIS);
    this.expiry = new QueueExpiry(vertx, q -> {
      Vhost h = vhosts.get(q.queue().vhost());
      if (h != null) {
        expired(h, q);
      }
    });
    this.sync = new ClusterSync(this);
    this.leaseClock = new LeaseClock(sync.leaseWindowNanos());
  }

  /** Where sampled publish and delivery latencies go (metrics). Set before {@link #start()}. */
  public BrokerImpl latency(MessageLatency latency) {
    this.latency = latency;
    return this;
  }

  /** Loads the stored metadata and recovers every durable queue; completes when all serve. */
  public Future<Void> start() {
    serial = new Serial(vertx.getOrCreateContext());
    return sync.listen()
        .compose(v -> serial.submit(() -> metadata.load().compose(md -> metadata.leases()
            .compose(leases -> recover(md, leases)))))
        .onSuccess(v -> {
          sync.startTimers();
          log.info("broker {} ready: {} vhosts, {} queues, {} of them here", nodeId, vhosts.size(), byId.size(),
              byId.values().stream().filter(Vhost.QueueEntry::hostedHere).count());
        });
  }

  /**
   * Stops every queue on this node; stored messages stay for the next start. In a cluster,
   * each durable queue is handed to another node: it stops delivering, waits briefly for its
   * consumers' acks, writes what is pending, gives up its lease, and the next owner takes it.
   */
  public Future<Void> stop() {
    stopping = true;
    sync.stopTimers();
    expiry.stop();
    return serial.submit(() -> {
      List<Vhost.QueueEntry> hosted = hostedHere();
      Map<Long, String> successors = sync.successors(hosted);
      var handOvers = new ArrayList<Future<Void>>();
      for (Vhost.QueueEntry q : hosted) {
        handOvers.add(handOver(q, successors.get(q.id())));
      }
      return Future.join(handOvers).<Void>mapEmpty();
    }).eventually(sync::close);
  }

  private Future<Void> handOver(Vhost.QueueEntry q, String successor) {
    Future<Void> drained = successor == null ? Future.succeededFuture() : q.local().drain(HAND_OVER_DRAIN_MS);
    String name = q.queue().name();
    return drained
        .compose(v -> vertx.undeploy(q.deploymentId()))
        .recover(e -> Future.succeededFuture())
        .compose(v -> metadata.releaseLease(q.id(), nodeId))
        .recover(e -> {
          log.atWarn().addKeyValue("event", "queue.release.failed").addKeyValue("queue", name)
              .addKeyValue("vhost", q.queue().vhost()).addKeyValue("queue_id", q.id()).addKeyValue("error", e.getMessage())
              .log("queue {}: releasing its lease failed; it expires in {}", name, settings.leaseTtl());
          return Future.succeededFuture();
        })
        .compose(v -> {
          if (successor == null) {
            ownershipEvent(log.atInfo(), "queue.released", q).log("queue {} released", name);
            return Future.succeededFuture();
          }
          return hostOn(successor, vhosts.get(q.queue().vhost()), q.id(), q.queue())
              .onSuccess(moved -> ownershipEvent(log.atInfo(), "queue.handed-over", q).addKeyValue("to", successor)
                  .addKeyValue("to_epoch", moved.epoch()).log("queue {} handed over to node {}", name, successor))
              .<Void>mapEmpty().recover(e -> {
                ownershipEvent(log.atWarn(), "queue.hand-over.failed", q).addKeyValue("to", successor)
                    .addKeyValue("error", e.getMessage())
                    .log("handing queue {} to node {} failed; the cluster takes it over", name, successor);
                return Future.succeededFuture();
              });
        });
  }

  /** The fields every event about a queue this node hosts, or hosted, carries. */
  private LoggingEventBuilder ownershipEvent(LoggingEventBuilder builder, String event, Vhost.QueueEntry q) {
    return builder.addKeyValue("event", event).addKeyValue("queue", q.queue().name())
        .addKeyValue("vhost", q.queue().vhost()).addKeyValue("queue_id", q.id()).addKeyValue("epoch", q.epoch())
        .addKeyValue("node", nodeId);
  }

  /** Re-reads the whole record from PostgreSQL into this node's view now (tests; normally periodic). */
  Future<Void> resyncNow() {
    return serial.submit(sync::resync);
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  // ---- vhosts ----

  @Override
  public Future<Void> declareVhost(String name) {
    return serial.submit(() -> {
      if (vhosts.containsKey(name)) {
        return Future.succeededFuture();
      }
      return metadata.saveVhost(name).onSuccess(v -> {
        vhosts.put(name, new Vhost(name));
        sync.announce(MetadataEvents.event(MetadataEvents.VHOST, nodeId).put("name", name));
      });
    });
  }

  @Override
  public Future<Void> deleteVhost(String name) {
    return serial.submit(() -> {
      Vhost h = vhost(name);
      var deletions = new ArrayList<Future<Long>>();
      for (Vhost.QueueEntry q : List.copyOf(h.queues.values())) {
        deletions.add(q.hostedHere() ? removeQueue(h, q, "vhost '" + name + "' deleted")
            : remote(q).delete(false, false).onSuccess(n -> forgetQueue(h, q.id(), "vhost '" + name + "' deleted")));
      }
      vhosts.remove(name);
      return Future.join(deletions).compose(v -> metadata.deleteVhost(name))
          .onSuccess(v -> sync.announce(MetadataEvents.event(MetadataEvents.VHOST_DELETED, nodeId).put("name", name)));
    });
  }

  @Override
  public List<String> vhosts() {
    return vhosts.keySet().stream().sorted().toList();
  }

  // ---- exchanges ----

  @Override
  public Future<Exchange> declareExchange(Exchange exchange) {
    return serial.submit(() -> {
      Vhost h = vhost(exchange.vhost());
      Exchange existing = h.topology.exchange(exchange.name());
      if (existing != null) {
        if (!existing.equivalent(exchange)) {
          throw ErrorCode.PRECONDITION_FAILED.error("exchange '" + exchange.name()
              + "' exists with other attributes (type " + existing.type().wireName() + ", durable "
              + existing.durable() + ", auto-delete " + existing.autoDelete() + ", internal "
              + existing.internal() + ", arguments " + existing.arguments() + ")");
        }
        return Future.succeededFuture(existing);
      }
      if (Vhost.reserved(exchange.name())) {
        throw ErrorCode.ACCESS_REFUSED.error("exchange name '" + exchange.name() + "' uses the reserved prefix 'amq.'");
      }
      if (exchange.name().isBlank() || exchange.name().length() > 255) {
        throw ErrorCode.INVALID_ARGUMENT.error("an exchange name must have 1 to 255 characters");
      }
      return metadata.saveExchange(exchange).map(v -> {
        h.topology.putExchange(exchange);
        sync.announce(MetadataEvents.exchange(MetadataEvents.event(MetadataEvents.EXCHANGE, nodeId), exchange));
        return exchange;
      });
    });
  }

  @Override
  public Future<Void> deleteExchange(String vhost, String name, boolean ifUnused) {
    return serial.submit(() -> {
      Vhost h = vhost(vhost);
      requireExchange(h, name);
      if (Vhost.reserved(name)) {
        throw ErrorCode.ACCESS_REFUSED.error("exchange '" + name + "' is predeclared and cannot be deleted");
      }
      if (ifUnused && !h.topology.bindingsFrom(name).isEmpty()) {
        throw ErrorCode.IN_USE.error("exchange '" + name + "' has bindings");
      }
      return removeExchange(h, name);
    });
  }

  private Future<Void> removeExchange(Vhost h, String name) {
    return metadata.deleteExchange(h.name, name).onSuccess(v -> {
      h.topology.removeExchange(name);
      sync.announce(MetadataEvents.event(MetadataEvents.EXCHANGE_DELETED, nodeId).put("vhost", h.name)
          .put("name", name));
    });
  }

  @Override
  public Exchange exchange(String vhost, String name) {
    return vhost(vhost).topology.exchange(name);
  }

  @Override
  public List<Exchange> exchanges(String vhost) {
    return vhost(vhost).topology.exchanges().stream().sorted(Comparator.comparing(Exchange::name)).toList();
  }

  // ---- queues ----

  @Override
  public Future<QueueInfo> declareQueue(Queue queue) {
    return declareQueue(queue, null);
  }

  Future<QueueInfo> declareQueue(Queue queue, String owner) {
    return serial.submit(() -> {
      Vhost h = vhost(queue.vhost());
      Vhost.QueueEntry existing = h.queues.get(queue.name());
      if (existing != null) {
        checkAccess(existing, owner);
        if (!existing.queue().equivalent(queue)) {
          throw ErrorCode.PRECONDITION_FAILED.error("queue '" + queue.name() + "' exists with other attributes (durable "
              + existing.queue().durable() + ", exclusive " + existing.queue().exclusive() + ", auto-delete "
              + existing.queue().autoDelete() + ", arguments " + existing.queue().arguments() + ")");
        }
        if (existing.hostedHere()) {
          expiry.used(existing, expiresMs(existing.queue()));
        }
        return Future.succeededFuture(info(existing));
      }
      validate(queue, owner);
      String placed = queue.exclusive() ? nodeId : sync.placement();
      long started = System.nanoTime();
      return metadata.saveQueue(queue)
          .compose(id -> placed.equals(nodeId)
              ? host(h, id, queue, queue.exclusive() ? owner : null, null, false)
                  .onSuccess(q -> logHosted(q, "declared", null, started))
              : hostOn(placed, h, id, queue).recover(e -> {
                log.warn("queue {}: node {} did not take it ({}); hosting it here", queue.name(), placed,
                    e.getMessage());
                return host(h, id, queue, null, null, false).onSuccess(q -> logHosted(q, "declared", null, started));
              }))
          .map(this::info);
    });
  }

  @Override
  public Future<Long> deleteQueue(String vhost, String name, boolean ifUnused, boolean ifEmpty) {
    return deleteQueue(vhost, name, ifUnused, ifEmpty, null);
  }

  Future<Long> deleteQueue(String vhost, String name, boolean ifUnused, boolean ifEmpty, String owner) {
    return serial.submit(() -> {
      Vhost h = vhost(vhost);
      Vhost.QueueEntry q = requireQueue(h, name);
      checkAccess(q, owner);
      if (!q.hostedHere()) {
        return remote(q).delete(ifUnused, ifEmpty).onSuccess(n -> forgetQueue(h, q.id(),
            "queue '" + name + "' deleted"));
      }
      var stats = q.stats();
      if (ifUnused && stats.consumers() > 0) {
        throw ErrorCode.IN_USE.error("queue '" + name + "' has " + stats.consumers() + " consumers");
      }
      if (ifEmpty && stats.messages() > 0) {
        throw ErrorCode.IN_USE.error("queue '" + name + "' has " + stats.messages() + " messages");
      }
      return removeQueue(h, q, "queue '" + name + "' deleted");
    });
  }

  @Override
  public Future<Long> purgeQueue(String vhost, String name) {
    return attempt(() -> requireQueue(vhost(vhost), name).link().purge());
  }

  @Override
  public Future<QueueInfo> queueInfo(String vhost, String name) {
    return attempt(() -> {
      Vhost.QueueEntry q = requireQueue(vhost(vhost), name);
      if (q.link() instanceof RemoteQueue r) {
        return r.fetchStats().map(s -> info(q)).recover(e -> Future.succeededFuture(info(q)));
      }
      return Future.succeededFuture(info(q));
    });
  }

  @Override
  public List<QueueInfo> queues(String vhost) {
    return vhost(vhost).queues.values().stream().map(this::info)
        .sorted(Comparator.comparing(i -> i.queue().name())).toList();
  }

  // ---- bindings ----

  @Override
  public Future<Void> bind(Binding binding) {
    return serial.submit(() -> {
      Vhost h = vhost(binding.vhost());
      checkBindingEnds(h, binding);
      if (h.topology.bindings().contains(binding)) {
        return Future.succeededFuture();
      }
      return metadata.saveBinding(binding).onSuccess(v -> {
        h.topology.addBinding(binding);
        sync.announce(MetadataEvents.binding(MetadataEvents.event(MetadataEvents.BINDING, nodeId), binding));
      });
    });
  }

  @Override
  public Future<Void> unbind(Binding binding) {
    return serial.submit(() -> {
      Vhost h = vhost(binding.vhost());
      checkBindingEnds(h, binding);
      if (!h.topology.bindings().contains(binding)) {
        return Future.succeededFuture();
      }
      return metadata.deleteBinding(binding).compose(v -> {
        h.topology.removeBinding(binding);
        sync.announce(MetadataEvents.binding(MetadataEvents.event(MetadataEvents.BINDING_DELETED, nodeId), binding));
        return autoDeleteExchange(h, binding.source());
      });
    });
  }

  @Override
  public List<Binding> bindings(String vhost) {
    return vhost(vhost).topology.bindings();
  }

  // ---- messages ----

  @Override
  public Future<PublishResult> publish(String vhost, Message message, boolean mandatory) {
    if (latency == MessageLatency.NONE || ThreadLocalRandom.current().nextInt(MessageLatency.SAMPLE_EVERY) != 0) {
      return route(vhost, message, mandatory);
    }
    long started = System.nanoTime();
    return route(vhost, message, mandatory).onSuccess(r -> {
      if (r.routed()) {
        latency.confirmed(System.nanoTime() - started);
      }
    });
  }

  private Future<PublishResult> route(String vhost, Message message, boolean mandatory) {
    Vhost h = vhosts.get(vhost);
    if (h == null) {
      return Future.failedFuture(noVhost(vhost));
    }
    if (message.properties().expiration() != null) {
      try {
        QueuePolicy.parseExpiration(message.properties().expiration());
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(ErrorCode.INVALID_ARGUMENT.error(e.getMessage()));
      }
    }
    Exchange x = h.topology.exchange(message.exchange());
    if (x == null) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.error("no exchange '" + message.exchange() + "' in vhost '" + vhost + "'"));
    }
    if (x.internal()) {
      return Future.failedFuture(ErrorCode.ACCESS_REFUSED.error("exchange '" + x.name() + "' is internal"));
    }
    Route route = h.topology.route(message.exchange(), message.routingKey(), message.properties().headers());
    List<String> names = route.queues();
    if (names.size() == 1) {
      Vhost.QueueEntry q = h.queues.get(names.get(0));
      if (q != null) {
        return enqueue(h, q, message, 0).map(v -> new PublishResult(1));
      }
    }
    var stored = new ArrayList<Future<Void>>(names.size());
    for (String name : names) {
      Vhost.QueueEntry q = h.queues.get(name);
      if (q != null) {
        stored.add(enqueue(h, q, message, 0));
      }
    }
    if (stored.isEmpty()) {
      return mandatory
          ? Future.failedFuture(ErrorCode.NO_ROUTE.error("no queue is bound to exchange '" + message.exchange()
              + "' with routing key '" + message.routingKey() + "'"))
          : Future.succeededFuture(PublishResult.UNROUTED);
    }
    return Future.all(stored).map(v -> new PublishResult(stored.size()));
  }

  /**
   * Enqueues into {@code q}; when its owner refused or never got the message (QUEUE_UNAVAILABLE:
   * the queue is changing owner, nothing was stored), tries again on the queue's owner of the
   * moment, a bounded number of times.
   */
  private Future<Void> enqueue(Vhost h, Vhost.QueueEntry q, Message message, int attempt) {
    return q.link().enqueue(message).recover(e -> {
      if (attempt >= ENQUEUE_RETRIES || !(e instanceof JunctionException j && j.code() == ErrorCode.QUEUE_UNAVAILABLE)) {
        return Future.failedFuture(e);
      }
      return vertx.timer(100L * (attempt + 1)).compose(t -> {
        Vhost.QueueEntry now = h.queues.get(q.queue().name());
        return now == null || now.id() != q.id() ? Future.succeededFuture() : enqueue(h, now, message, attempt + 1);
      });
    });
  }

  @Override
  public Future<Consumer> consume(String vhost, String queue, ConsumeOptions options, Handler<Delivery> handler) {
    return consume(vhost, queue, options, handler, null, () -> { });
  }

  Future<Consumer> consume(String vhost, String queue, ConsumeOptions options, Handler<Delivery> handler,
                           String owner, Runnable onEnd) {
    return attempt(() -> {
      Vhost.QueueEntry q = requireQueue(vhost(vhost), queue);
      checkAccess(q, owner);
      Context context = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
      String tag = options.consumerTag() != null ? options.consumerTag() : "ctag-" + nodeId + "-" + ids.incrementAndGet();
      String key = key(vhost, queue);
      var consumer = new AttachedConsumer[1];
      consumer[0] = new AttachedConsumer(tag, queue, options.prefetch(), options.ackMode(), context, handler, () -> {
        forgetConsumer(key, consumer[0]);
        onEnd.run();
      });
      if (!addConsumer(key, consumer[0])) {
        // Refused here rather than by the owner: the cancel that undoes a failed consume below
        // would end the consumer that holds the tag.
        throw ErrorCode.PRECONDITION_FAILED.error("consumer '" + tag + "' exists already on queue '" + queue + "'");
      }
      // A failed first attach may have been followed by another (the queue moved meanwhile):
      // the cancel undoes whichever attachment the consumer holds.
      return consumer[0].attach(q.link()).<Consumer>map(v -> consumer[0])
          .onFailure(e -> consumer[0].cancel());
    });
  }

  /** Adds {@code consumer} to this node's consumers of its queue, unless one there has its tag. */
  private boolean addConsumer(String key, AttachedConsumer consumer) {
    var added = new boolean[1];
    consumers.compute(key, (k, set) -> {
      Set<AttachedConsumer> all = set != null ? set : ConcurrentHashMap.newKeySet();
      if (all.stream().noneMatch(c -> c.tag().equals(consumer.tag()))) {
        added[0] = all.add(consumer);
      }
      return all;
    });
    return added[0];
  }

  private void forgetConsumer(String key, AttachedConsumer consumer) {
    consumers.computeIfPresent(key, (k, set) -> {
      set.remove(consumer);
      return set.isEmpty() ? null : set;
    });
  }

  @Override
  public Connection connect(String name, String protocol) {
    var c = new ClientConnection("conn-" + nodeId + "-" + ids.incrementAndGet(), name, protocol, this);
    connections.put(c.id(), c);
    return c;
  }

  void closed(ClientConnection connection) {
    connections.remove(connection.id());
  }

  /** Deletes the exclusive queues a closed connection owned. */
  Future<Void> deleteExclusiveQueues(String owner) {
    var deletions = new ArrayList<Future<Long>>();
    for (Vhost h : vhosts.values()) {
      for (Vhost.QueueEntry q : h.queues.values()) {
        if (owner.equals(q.exclusiveOwner())) {
          // An auto-delete queue may be going already, with its last consumer: gone is fine.
          deletions.add(deleteQueue(h.name, q.queue().name(), false, false, owner)
              .recover(e -> e instanceof JunctionException j && j.code() == ErrorCode.NOT_FOUND
                  ? Future.succeededFuture(0L) : Future.failedFuture(e)));
        }
      }
    }
    return Future.join(deletions).mapEmpty();
  }

  @Override
  public List<ConnectionInfo> connections() {
    return connections.values().stream().map(ClientConnection::info).toList();
  }

  // ---- inside: hosting queues ----

  private Future<Void> recover(MetadataStore.Metadata stored, List<MetadataStore.Lease> leases) {
    for (String name : stored.vhosts()) {
      vhosts.put(name, new Vhost(name));
    }
    Future<Void> chain = vhosts.containsKey("/") ? Future.succeededFuture()
        : metadata.saveVhost("/").onSuccess(v -> vhosts.put("/", new Vhost("/")));
    for (Exchange e : stored.exchanges()) {
      Vhost h = vhosts.get(e.vhost());
      if (h != null && !Vhost.reserved(e.name())) {
        h.topology.putExchange(e);
      }
    }
    Map<Long, MetadataStore.Lease> leaseOf = new HashMap<>();
    leases.forEach(l -> leaseOf.put(l.queueId(), l));
    Set<String> members = membership.members();
    for (MetadataStore.StoredQueue sq : stored.queues()) {
      Queue q = sq.queue();
      Vhost h = vhosts.get(q.vhost());
      MetadataStore.Lease lease = leaseOf.get(sq.id());
      String holder = lease == null ? null : lease.owner();
      boolean heldElsewhere = holder != null && !holder.equals(nodeId) && !lease.expired();
      if (h != null && heldElsewhere && (members.contains(holder) || vertx.isClustered())) {
        // Another node owns it; if that node is gone, the cluster sync takes it over after start.
        put(h, new Vhost.QueueEntry(sq.id(), q, q.exclusive() ? "connection on node " + holder : null, holder,
            lease.epoch(), newRemote(holder, sq.id(), lease.epoch()), null, null));
      } else if (h == null || !q.durable() || q.exclusive()) {
        // Non-durable and exclusive queues do not survive their node, as in RabbitMQ.
        chain = chain.compose(v -> metadata.deleteQueue(sq.id()));
      } else {
        // A lease still held (by this node after a crash, or by one whose lease ran out): unclean.
        boolean unclean = holder != null;
        chain = chain.compose(v -> recoverQueue(h, sq.id(), q, unclean,
            System.nanoTime() + settings.leaseTtl().multipliedBy(2).toNanos()));
      }
    }
    return chain.map(v -> {
      for (Binding b : stored.bindings()) {
        Vhost h = vhosts.get(b.vhost());
        if (h != null && h.topology.exchange(b.source()) != null && destinationExists(h, b)) {
          h.topology.addBinding(b);
        }
      }
      return null;
    });
  }

  /**
   * Hosts a recovered queue; while another node's lease on it is unexpired (that node died
   * or was renamed), waits for it to expire, up to {@code deadline}.
   */
  private Future<Void> recoverQueue(Vhost h, long id, Queue queue, boolean unclean, long deadline) {
    long started = System.nanoTime();
    return host(h, id, queue, null, null, unclean).onSuccess(q -> logHosted(q, "recovered", null, started))
        .<Void>mapEmpty().recover(e -> {
      if (!(e instanceof LeaseHeldException) || System.nanoTime() > deadline) {
        return Future.failedFuture(e);
      }
      log.info("queue {}: {}; waiting for the lease to expire", queue.name(), e.getMessage());
      return vertx.timer(settings.leaseRenewInterval().toMillis())
          .compose(t -> recoverQueue(h, id, queue, unclean, deadline));
    });
  }

  /**
   * Takes the queue's lease (from {@code former}, a node known to be gone, when not null),
   * starts its verticle, records it as hosted here and tells the other nodes. Runs on the
   * serial.
   */
  Future<Vhost.QueueEntry> host(Vhost h, long id, Queue queue, String exclusiveOwner, String former,
                                boolean unclean) {
    Future<Long> lease = former == null ? metadata.acquireLease(id, nodeId, settings.leaseTtl())
        : metadata.takeOverLease(id, nodeId, settings.leaseTtl(), former);
    return lease.compose(epoch -> {
      String name = queue.name();
      var policy = QueuePolicy.of(QueueArguments.parse(queue.arguments()));
      DeadLetterSink deadLetters = letter -> publish(h.name, letter, false).mapEmpty();
      var verticle = new QueueVerticle(name, id, epoch, queue.durable(), settings.limits(), policy, durableStore,
          memoryStore, deadLetters, () -> onLastConsumerGone(h, name)).leaseClock(leaseClock).latency(latency);
      if (unclean) {
        verticle.assumeDelivered();
      }
      return vertx.deployVerticle(verticle).map(deploymentId -> {
        var hosted = new Vhost.QueueEntry(id, queue, exclusiveOwner, nodeId, epoch, verticle, verticle, deploymentId);
        put(h, hosted);
        expiry.used(hosted, expiresMs(queue));
        sync.announce(MetadataEvents.queue(MetadataEvents.event(MetadataEvents.QUEUE, nodeId), hosted));
        return hosted;
      });
    });
  }

  /**
   * Logs that this node now hosts {@code q}: {@code cause} is declared, recovered (at start),
   * assigned (another node asked: a new queue placed here, or one handed over by a node that
   * stops) or taken-over (its owner is gone), {@code from} the former owner when known.
   */
  void logHosted(Vhost.QueueEntry q, String cause, String from, long startedNanos) {
    var event = ownershipEvent(log.atInfo(), "queue.hosted", q).addKeyValue("cause", cause);
    if (from != null) {
      event = event.addKeyValue("from", from);
    }
    event.addKeyValue("elapsed_ms", (System.nanoTime() - startedNanos) / 1_000_000)
        .log("queue {} hosted here ({})", q.queue().name(), cause);
  }

  /** Asks {@code node} to host a new queue; records it as owned there. Runs on the serial. */
  private Future<Vhost.QueueEntry> hostOn(String node, Vhost h, long id, Queue queue) {
    Buffer request = Wire.op(Protocol.HOST).i64(id)
        .str(MetadataEvents.queue(new JsonObject(), new Vhost.QueueEntry(id, queue, null, node, 0, null, null, null))
            .encode())
        .buffer();
    return vertx.eventBus().<Buffer>request(Protocol.node(node), request,
            new DeliveryOptions().setSendTimeout(settings.requestTimeout().toMillis()))
        .recover(e -> Future.failedFuture(Protocol.error(e, node)))
        .map(reply -> {
          long epoch = new Wire.Reader(reply.body()).i64();
          var entry = new Vhost.QueueEntry(id, queue, null, node, epoch, newRemote(node, id, epoch), null, null);
          Vhost.QueueEntry known = h.queues.get(queue.name());
          if (known != null && known.id() == id && known.epoch() >= epoch) {
            return known;
          }
          put(h, entry);
          return entry;
        });
  }

  RemoteQueue newRemote(String node, long id, long epoch) {
    return new RemoteQueue(vertx, node, id, epoch, remoteConsumers, membership, inFlight,
        settings.requestTimeout().toMillis());
  }

  /** Records a queue as this node knows it now, and attaches this node's consumers of it there. */
  void put(Vhost h, Vhost.QueueEntry q) {
    Vhost.QueueEntry before = h.queues.put(q.queue().name(), q);
    if (before != null && before.id() != q.id()) {
      byId.remove(before.id());
    }
    byId.put(q.id(), q);
    h.topology.addQueue(q.queue().name());
    reattach(h.name, q);
  }

  /** Attaches this node's consumers of {@code q} to its current owner, unless they are already. */
  void reattach(String vhost, Vhost.QueueEntry q) {
    Set<AttachedConsumer> attached = consumers.get(key(vhost, q.queue().name()));
    if (attached == null || q.node() == null) {
      return;
    }
    for (AttachedConsumer c : attached) {
      if (c.link() != q.link() || !c.attached()) {
        c.attach(q.link()).onFailure(e -> log.warn("consumer {} could not attach to queue {} on node {}: {}",
            c.tag(), q.queue().name(), q.node(), e.getMessage()));
      }
    }
  }

  /** This node lost a queue it hosted (its lease went to another node): it stops serving it. */
  void unhost(Vhost.QueueEntry q, String why) {
    Vhost h = vhosts.get(q.queue().vhost());
    if (h == null || h.queues.get(q.queue().name()) != q) {
      return;
    }
    ownershipEvent(log.atError(), "queue.lost", q).addKeyValue("reason", why)
        .log("queue {} in vhost {}: {}; this node stops serving it", q.queue().name(), h.name, why);
    expiry.forget(q);
    var orphan = new Vhost.QueueEntry(q.id(), q.queue(), q.exclusiveOwner(), null, q.epoch(), q.link(), null, null);
    h.queues.put(q.queue().name(), orphan);
    byId.put(q.id(), orphan);
    vertx.undeploy(q.deploymentId()).onFailure(e -> log.debug("undeploying queue {}: {}", q.queue().name(),
        e.getMessage()));
  }

  /** A queue deleted on another node: forgotten here; this node's consumers of it end. */
  void forgetQueue(Vhost h, long id, String reason) {
    Vhost.QueueEntry q = byId.remove(id);
    if (q == null || h.queues.get(q.queue().name()) != q) {
      return;
    }
    h.queues.remove(q.queue().name());
    h.topology.removeQueue(q.queue().name());
    Set<AttachedConsumer> attached = consumers.get(key(h.name, q.queue().name()));
    if (attached != null) {
      attached.forEach(c -> c.queueGone(reason));
    }
    if (q.hostedHere()) {
      expiry.forget(q);
      vertx.undeploy(q.deploymentId()).onFailure(e -> log.debug("undeploying queue {}: {}", q.queue().name(),
          e.getMessage()));
    }
  }

  /** The queues this node owns, with their counts now (for metrics). */
  public List<QueueInfo> hostedQueues() {
    var hosted = new ArrayList<QueueInfo>();
    for (Vhost.QueueEntry q : byId.values()) {
      if (q.hostedHere()) {
        hosted.add(info(q));
      }
    }
    return hosted;
  }

  List<Vhost.QueueEntry> hostedHere() {
    return byId.values().stream().filter(Vhost.QueueEntry::hostedHere).toList();
  }

  /** Deletes a queue this node hosts: its messages, its record, and bindings to it. */
  Future<Long> removeQueue(Vhost h, Vhost.QueueEntry q, String reason) {
    String name = q.queue().name();
    var sources = new HashSet<String>();
    for (Binding b : h.topology.bindingsTo(Binding.DestinationType.QUEUE, name)) {
      sources.add(b.source());
    }
    h.queues.remove(name);
    byId.remove(q.id());
    h.topology.removeQueue(name);
    expiry.forget(q);
    return q.local().delete(reason)
        .compose(count -> vertx.undeploy(q.deploymentId())
            .compose(v -> metadata.deleteQueue(q.id()))
            .compose(v -> {
              sync.announce(MetadataEvents.event(MetadataEvents.QUEUE_DELETED, nodeId).put("vhost", h.name)
                  .put("name", name).put("id", q.id()).put("reason", reason));
              Future<Void> chain = Future.succeededFuture();
              for (String source : sources) {
                chain = chain.compose(x -> autoDeleteExchange(h, source));
              }
              return chain;
            })
            .map(v -> count));
  }

  /** An auto-delete exchange goes when its last binding does. */
  private Future<Void> autoDeleteExchange(Vhost h, String name) {
    Exchange x = h.topology.exchange(name);
    if (x == null || !x.autoDelete() || !h.topology.bindingsFrom(name).isEmpty()) {
      return Future.succeededFuture();
    }
    return removeExchange(h, name);
  }

  private void onLastConsumerGone(Vhost h, String name) {
    Vhost.QueueEntry q = h.queues.get(name);
    if (q != null && q.hostedHere() && q.queue().autoDelete()) {
      deleteQueue(h.name, name, false, false, q.exclusiveOwner())
          .onFailure(e -> log.warn("auto-delete of queue {} failed: {}", name, e.getMessage()));
    } else if (q != null && q.hostedHere()) {
      expiry.used(q, expiresMs(q.queue()));
    }
  }

  private static long expiresMs(Queue queue) {
    Long ms = QueueArguments.parse(queue.arguments()).expires();
    return ms == null ? 0 : ms;
  }

  /** {@code x-expires} ran out: the queue goes, unless it changed in the meantime. */
  private void expired(Vhost h, Vhost.QueueEntry q) {
    String name = q.queue().name();
    serial.submit(() -> {
      if (h.queues.get(name) != q || q.stats().consumers() > 0) {
        return Future.<Void>succeededFuture();
      }
      log.info("queue {} in vhost {} was unused for its x-expires; deleting it", name, h.name);
      return removeQueue(h, q, "queue '" + name + "' expired (x-expires)").<Void>mapEmpty();
    }).onFailure(e -> log.warn("expiring queue {} failed: {}", name, e.getMessage()));
  }

  private void validate(Queue queue, String owner) {
    if (queue.name().isBlank() || queue.name().length() > 255) {
      throw ErrorCode.INVALID_ARGUMENT.error("a queue name must have 1 to 255 characters");
    }
    if (queue.exclusive() && owner == null) {
      throw ErrorCode.INVALID_ARGUMENT.error("an exclusive queue needs a connection to own it");
    }
    QueueArguments parsed;
    try {
      parsed = QueueArguments.parse(queue.arguments());
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_ARGUMENT.error(e.getMessage());
    }
    if (parsed.maxPriority() != null) {
      throw ErrorCode.NOT_IMPLEMENTED.error("the queue argument x-max-priority is not supported yet");
    }
  }

  private static void checkAccess(Vhost.QueueEntry q, String owner) {
    if (q.exclusiveOwner() != null && !q.exclusiveOwner().equals(owner)) {
      throw ErrorCode.RESOURCE_LOCKED.error("queue '" + q.queue().name() + "' is exclusive to another connection");
    }
  }

  private void checkBindingEnds(Vhost h, Binding b) {
    if (b.source().isEmpty()) {
      throw ErrorCode.ACCESS_REFUSED.error("the default exchange cannot be bound");
    }
    requireExchange(h, b.source());
    if (!destinationExists(h, b)) {
      throw ErrorCode.NOT_FOUND.error("no " + b.destinationType().name().toLowerCase() + " '" + b.destination()
          + "' in vhost '" + h.name + "'");
    }
  }

  static boolean destinationExists(Vhost h, Binding b) {
    return b.destinationType() == Binding.DestinationType.QUEUE
        ? h.queues.containsKey(b.destination())
        : h.topology.exchange(b.destination()) != null;
  }

  private QueueInfo info(Vhost.QueueEntry q) {
    return new QueueInfo(q.queue(), q.id(), q.node(), q.stats());
  }

  private RemoteQueue remote(Vhost.QueueEntry q) {
    if (q.link() instanceof RemoteQueue r) {
      return r;
    }
    throw ErrorCode.QUEUE_UNAVAILABLE.error("queue '" + q.queue().name() + "' is changing owner; try again");
  }

  private Vhost vhost(String name) {
    Vhost h = vhosts.get(name);
    if (h == null) {
      throw noVhost(name);
    }
    return h;
  }

  static String key(String vhost, String queue) {
    return vhost + '\u0000' + queue;
  }

  /** Runs {@code operation}; a lookup that throws becomes a failed future. */
  private static <T> Future<T> attempt(java.util.function.Supplier<Future<T>> operation) {
    try {
      return operation.get();
    } catch (JunctionException e) {
      return Future.failedFuture(e);
    }
  }

  private static JunctionException noVhost(String name) {
    return ErrorCode.NOT_FOUND.error("no vhost '" + name + "'");
  }

  private static void requireExchange(Vhost h, String name) {
    if (h.topology.exchange(name) == null) {
      throw ErrorCode.NOT_FOUND.error("no exchange '" + name + "' in vhost '" + h.name + "'");
    }
  }

  static Vhost.QueueEntry requireQueue(Vhost h, String name) {
    Vhost.QueueEntry q = h.queues.get(name);
    if (q == null) {
      throw ErrorCode.NOT_FOUND.error("no queue '" + name + "' in vhost '" + h.name + "'");
    }
    return q;
  }
}
