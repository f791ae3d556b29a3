package io.junctionmq.broker;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueArguments;
import io.junctionmq.queue.Hop;
import io.junctionmq.queue.DeadLetterSink;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker of one node. Metadata changes run one at a time on the broker's context and
 * are written to the {@link MetadataStore} before they take effect; publishing routes on the
 * caller's thread against the topology and goes straight to the owning queue.
 */
public final class BrokerImpl implements Broker {
  private static final Logger log = LoggerFactory.getLogger(BrokerImpl.class);

  private final Vertx vertx;
  private final String nodeId;
  private final QueueLimits limits;
  private final Duration leaseTtl;
  private final Duration leaseRenewInterval;
  private final MetadataStore metadata;
  private final MessageStore durableStore;
  private final MessageStore memoryStore;
  private final Map<String, Vhost> vhosts = new ConcurrentHashMap<>();
  private final Map<String, ClientConnection> connections = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private Serial serial;
  private long renewTimer = -1;
  private final QueueExpiry expiry;

  public BrokerImpl(Vertx vertx, String nodeId, QueueLimits limits, Duration leaseTtl, Duration leaseRenewInterval,
                    MetadataStore metadata, MessageStore durableStore, MessageStore memoryStore) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.limits = limits;
    this.leaseTtl = leaseTtl;
    this.leaseRenewInterval = leaseRenewInterval;
    this.metadata = metadata;
    this.durableStore = durableStore;
    this.memoryStore = memoryStore;
    this.expiry = new QueueExpiry(vertx, q -> {
      Vhost h = vhosts.get(q.queue().vhost());
      if (h != null) {
        expired(h, q);
      }
    });
  }

  /** Loads the stored metadata and recovers every durable queue; completes when all serve. */
  public Future<Void> start() {
    Context context = vertx.getOrCreateContext();
    serial = new Serial(context);
    return serial.submit(() -> metadata.load().compose(this::recover)).onSuccess(v -> {
      renewTimer = vertx.setPeriodic(leaseRenewInterval.toMillis(), t -> renewLeases());
      log.info("broker {} ready: {} vhosts, {} queues", nodeId, vhosts.size(),
          vhosts.values().stream().mapToInt(h -> h.queues.size()).sum());
    });
  }

  /** Stops every queue on this node; stored messages stay for the next start. */
  public Future<Void> stop() {
    if (renewTimer >= 0) {
      vertx.cancelTimer(renewTimer);
    }
    expiry.stop();
    return serial.submit(() -> {
      var undeploys = new ArrayList<Future<?>>();
      for (Vhost h : vhosts.values()) {
        for (Vhost.HostedQueue q : h.queues.values()) {
          undeploys.add(vertx.undeploy(q.deploymentId()).recover(e -> Future.succeededFuture())
              .compose(v -> metadata.releaseLease(q.id(), nodeId).recover(e -> Future.succeededFuture())));
        }
      }
      return Future.join(undeploys).mapEmpty();
    });
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
      return metadata.saveVhost(name).onSuccess(v -> vhosts.put(name, new Vhost(name)));
    });
  }

  @Override
  public Future<Void> deleteVhost(String name) {
    return serial.submit(() -> {
      Vhost h = vhost(name);
      var deletions = new ArrayList<Future<Long>>();
      for (Vhost.HostedQueue q : List.copyOf(h.queues.values())) {
        deletions.add(removeQueue(h, q, "vhost '" + name + "' deleted"));
      }
      vhosts.remove(name);
      return Future.join(deletions).compose(v -> metadata.deleteVhost(name));
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
      return metadata.deleteExchange(vhost, name).onSuccess(v -> h.topology.removeExchange(name));
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
      Vhost.HostedQueue existing = h.queues.get(queue.name());
      if (existing != null) {
        checkAccess(existing, owner);
        if (!existing.queue().equivalent(queue)) {
          throw ErrorCode.PRECONDITION_FAILED.error("queue '" + queue.name() + "' exists with other attributes (durable "
              + existing.queue().durable() + ", exclusive " + existing.queue().exclusive() + ", auto-delete "
              + existing.queue().autoDelete() + ", arguments " + existing.queue().arguments() + ")");
        }
        expiry.used(existing, expiresMs(existing.queue()));
        return Future.succeededFuture(info(existing));
      }
      validate(queue, owner);
      return metadata.saveQueue(queue)
          .compose(id -> host(h, id, queue, queue.exclusive() ? owner : null))
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
      Vhost.HostedQueue q = requireQueue(h, name);
      checkAccess(q, owner);
      var stats = q.verticle().stats();
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
    return attempt(() -> requireQueue(vhost(vhost), name).verticle().purge());
  }

  @Override
  public Future<QueueInfo> queueInfo(String vhost, String name) {
    return attempt(() -> Future.succeededFuture(info(requireQueue(vhost(vhost), name))));
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
      return metadata.saveBinding(binding).onSuccess(v -> h.topology.addBinding(binding));
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
      Vhost.HostedQueue q = h.queues.get(names.get(0));
      if (q != null) {
        return q.verticle().enqueue(message).map(v -> new PublishResult(1));
      }
    }
    var stored = new ArrayList<Future<Void>>(names.size());
    for (String name : names) {
      Vhost.HostedQueue q = h.queues.get(name);
      if (q != null) {
        stored.add(q.verticle().enqueue(message));
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

  @Override
  public Future<Consumer> consume(String vhost, String queue, ConsumeOptions options, Handler<Delivery> handler) {
    return consume(vhost, queue, options, handler, null, () -> { });
  }

  Future<Consumer> consume(String vhost, String queue, ConsumeOptions options, Handler<Delivery> handler,
                           String owner, Runnable onEnd) {
    return attempt(() -> {
      Vhost.HostedQueue q = requireQueue(vhost(vhost), queue);
      checkAccess(q, owner);
      return subscribe(q, options, handler, onEnd);
    });
  }

  private Future<Consumer> subscribe(Vhost.HostedQueue q, ConsumeOptions options, Handler<Delivery> handler,
                                     Runnable onEnd) {
    Context context = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
    String tag = options.consumerTag() != null ? options.consumerTag() : "ctag-" + nodeId + "-" + ids.incrementAndGet();
    var consumer = new LocalConsumer(tag, q.verticle(), options.ackMode(), handler, onEnd);
    return q.verticle().consume(tag, options.prefetch(), options.ackMode(), context, consumer).map(v -> consumer);
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
      for (Vhost.HostedQueue q : h.queues.values()) {
        if (owner.equals(q.owner())) {
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

  // ---- inside ----

  private Future<Void> recover(MetadataStore.Metadata stored) {
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
    for (MetadataStore.StoredQueue sq : stored.queues()) {
      Queue q = sq.queue();
      Vhost h = vhosts.get(q.vhost());
      if (h == null || !q.durable() || q.exclusive()) {
        // Non-durable and exclusive queues do not survive a restart, as in RabbitMQ.
        chain = chain.compose(v -> metadata.deleteQueue(sq.id()));
      } else {
        chain = chain.compose(v -> recoverQueue(h, sq.id(), q, System.nanoTime() + leaseTtl.multipliedBy(2).toNanos()));
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
  private Future<Void> recoverQueue(Vhost h, long id, Queue queue, long deadline) {
    return host(h, id, queue, null).<Void>mapEmpty().recover(e -> {
      if (!(e instanceof LeaseHeldException) || System.nanoTime() > deadline) {
        return Future.failedFuture(e);
      }
      log.info("queue {}: {}; waiting for the lease to expire", queue.name(), e.getMessage());
      return vertx.timer(leaseRenewInterval.toMillis()).compose(t -> recoverQueue(h, id, queue, deadline));
    });
  }

  private Future<Vhost.HostedQueue> host(Vhost h, long id, Queue queue, String owner) {
    return metadata.acquireLease(id, nodeId, leaseTtl).compose(epoch -> {
      String name = queue.name();
      var policy = QueuePolicy.of(QueueArguments.parse(queue.arguments()));
      DeadLetterSink deadLetters = letter -> publish(h.name, letter, false).mapEmpty();
      var verticle = new QueueVerticle(name, id, epoch, queue.durable(), limits, policy, durableStore, memoryStore,
          deadLetters, () -> onLastConsumerGone(h, name));
      return vertx.deployVerticle(verticle).map(deploymentId -> {
        var hosted = new Vhost.HostedQueue(id, queue, owner, verticle, deploymentId);
        h.queues.put(name, hosted);
        h.topology.addQueue(name);
        expiry.used(hosted, expiresMs(queue));
        return hosted;
      });
    });
  }

  private Future<Long> removeQueue(Vhost h, Vhost.HostedQueue q, String reason) {
    String name = q.queue().name();
    var sources = new HashSet<String>();
    for (Binding b : h.topology.bindingsTo(Binding.DestinationType.QUEUE, name)) {
      sources.add(b.source());
    }
    h.queues.remove(name);
    h.topology.removeQueue(name);
    expiry.forget(q);
    return q.verticle().delete(reason)
        .compose(count -> vertx.undeploy(q.deploymentId())
            .compose(v -> metadata.deleteQueue(q.id()))
            .compose(v -> {
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
    return metadata.deleteExchange(h.name, name).onSuccess(v -> h.topology.removeExchange(name));
  }

  private void onLastConsumerGone(Vhost h, String name) {
    Vhost.HostedQueue q = h.queues.get(name);
    if (q != null && q.queue().autoDelete()) {
      deleteQueue(h.name, name, false, false, q.owner())
          .onFailure(e -> log.warn("auto-delete of queue {} failed: {}", name, e.getMessage()));
    } else if (q != null) {
      expiry.used(q, expiresMs(q.queue()));
    }
  }

  private static long expiresMs(Queue queue) {
    Long ms = QueueArguments.parse(queue.arguments()).expires();
    return ms == null ? 0 : ms;
  }

  /** {@code x-expires} ran out: the queue goes, unless it changed in the meantime. */
  private void expired(Vhost h, Vhost.HostedQueue q) {
    String name = q.queue().name();
    serial.submit(() -> {
      if (h.queues.get(name) != q || q.verticle().stats().consumers() > 0) {
        return Future.<Void>succeededFuture();
      }
      log.info("queue {} in vhost {} was unused for its x-expires; deleting it", name, h.name);
      return removeQueue(h, q, "queue '" + name + "' expired (x-expires)").<Void>mapEmpty();
    }).onFailure(e -> log.warn("expiring queue {} failed: {}", name, e.getMessage()));
  }

  private void renewLeases() {
    // Only the queues hosted before the renewal was sent: one leased meanwhile is not in its answer.
    var hosted = new ArrayList<Vhost.HostedQueue>();
    for (Vhost h : vhosts.values()) {
      hosted.addAll(h.queues.values());
    }
    metadata.renewLeases(nodeId, leaseTtl).onComplete(ar -> {
      if (ar.failed()) {
        log.warn("renewing queue leases failed: {}", ar.cause().getMessage());
        return;
      }
      var held = new HashSet<>(ar.result());
      for (Vhost.HostedQueue q : hosted) {
        Vhost h = vhosts.get(q.queue().vhost());
        if (h != null && h.queues.get(q.queue().name()) == q) {
          if (!held.contains(q.id())) {
            log.error("lost the lease of queue {} in vhost {}; another node owns it now", q.queue().name(), h.name);
          }
        }
      }
    });
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

  private void checkAccess(Vhost.HostedQueue q, String owner) {
    if (q.owner() != null && !q.owner().equals(owner)) {
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

  private static boolean destinationExists(Vhost h, Binding b) {
    return b.destinationType() == Binding.DestinationType.QUEUE
        ? h.queues.containsKey(b.destination())
        : h.topology.exchange(b.destination()) != null;
  }

  private QueueInfo info(Vhost.HostedQueue q) {
    return new QueueInfo(q.queue(), q.id(), nodeId, q.verticle().stats());
  }

  private Vhost vhost(String name) {
    Vhost h = vhosts.get(name);
    if (h == null) {
      throw noVhost(name);
    }
    return h;
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

  private static Vhost.HostedQueue requireQueue(Vhost h, String name) {
    Vhost.HostedQueue q = h.queues.get(name);
    if (q == null) {
      throw ErrorCode.NOT_FOUND.error("no queue '" + name + "' in vhost '" + h.name + "'");
    }
    return q;
  }
}
