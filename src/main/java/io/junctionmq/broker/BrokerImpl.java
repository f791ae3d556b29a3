package io.junctionmq.broker;

import io.junctionmq.async.Serial;
import io.junctionmq.cluster.ClusterSync;
import io.junctionmq.cluster.Membership;
import io.junctionmq.cluster.QueueDirectory;
import io.junctionmq.cluster.QueueEntry;
import io.junctionmq.cluster.RemoteQueue;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.Message;
import io.junctionmq.model.Queue;
import io.junctionmq.queue.LeaseClock;
import io.junctionmq.queue.MessageLatency;
import io.junctionmq.queue.QueueLink;
import io.junctionmq.queue.QueueLimits;
import io.junctionmq.store.MessageStore;
import io.junctionmq.store.MetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker of one node, a facade over its parts: the {@link Catalog} of declarations, the
 * {@link QueueDirectory} that says where every queue is, {@link Publishing}, this node's
 * {@link Consumers} and {@link Connections}, and the {@link ClusterSync} that owns queues
 * under leases and keeps this node in step with the others. Every node knows every vhost,
 * exchange, binding and queue; each queue is owned by one node.
 */
public final class BrokerImpl implements Broker {
  private static final Logger log = LoggerFactory.getLogger(BrokerImpl.class);

  /** Tunables of a broker. */
  public record Settings(QueueLimits limits, Duration leaseTtl, Duration leaseRenewInterval,
                         Duration requestTimeout) {
  }

  private final String self;
  private final String getHolder;
  private final Membership membership;
  private final QueueDirectory directory = new QueueDirectory();
  private final QueueExpiry expiry;
  private final Publishing publishing;
  private final QueueFactory queues;
  private final ClusterSync cluster;
  private final Catalog catalog;
  private final Consumers consumers;
  private final Connections connections;

  public BrokerImpl(Vertx vertx, Membership membership, Settings settings, MetadataStore metadata,
                    MessageStore durableStore, MessageStore memoryStore) {
    this.self = membership.self();
    this.getHolder = "get-" + self;
    this.membership = membership;
    var serial = new Serial(vertx.getOrCreateContext());
    this.expiry = new QueueExpiry(vertx, this::expired);
    this.publishing = new Publishing(vertx, directory);
    this.queues = new QueueFactory(settings.limits(), durableStore, memoryStore, publishing, this::lastConsumerGone,
        expiry, this::leaseClock);
    this.cluster = new ClusterSync(vertx, membership, metadata, directory, serial, queues,
        (vhost, name, ifUnused, ifEmpty) -> deleteQueue(vhost, name, ifUnused, ifEmpty),
        new ClusterSync.Settings(settings.leaseTtl(), settings.leaseRenewInterval(), settings.requestTimeout()));
    this.catalog = new Catalog(metadata, directory, cluster.ownership(), cluster.placement(), cluster.events(),
        expiry, serial);
    this.consumers = new Consumers(vertx, self, directory);
    directory.listener(consumers);
    this.connections = new Connections(self, catalog, publishing, consumers);
  }

  /** Where sampled publish and delivery latencies go (metrics). Set before {@link #start()}. */
  public BrokerImpl latency(MessageLatency latency) {
    publishing.latency(latency);
    queues.latency(latency);
    return this;
  }

  /** Loads the stored metadata and recovers every durable queue; completes when all serve. */
  public Future<Void> start() {
    return cluster.start().onSuccess(v -> log.info("broker {} ready: {} vhosts, {} queues, {} of them here", self,
        directory.vhostNames().size(), directory.queues().size(), directory.ownedHere().size()));
  }

  /**
   * Stops every queue on this node; stored messages stay for the next start. In a cluster,
   * each durable queue is handed to another node: it stops delivering, waits briefly for its
   * consumers' acks, writes what is pending, gives up its lease, and the next owner takes it.
   */
  public Future<Void> stop() {
    expiry.stop();
    return cluster.stop();
  }

  /** Re-reads the whole record from PostgreSQL into this node's view now (tests; normally periodic). */
  Future<Void> resyncNow() {
    return cluster.resync();
  }

  /** The queues this node owns, with their counts now (for metrics). */
  public List<QueueInfo> ownedQueues() {
    return directory.ownedHere().stream().map(Catalog::info).toList();
  }

  @Override
  public String nodeId() {
    return self;
  }

  @Override
  public List<String> nodes() {
    return membership.members().stream().sorted().toList();
  }

  // ---- vhosts ----

  @Override
  public Future<Void> declareVhost(String name) {
    return catalog.declareVhost(name);
  }

  @Override
  public Future<Void> deleteVhost(String name) {
    return catalog.deleteVhost(name);
  }

  @Override
  public List<String> vhosts() {
    return directory.vhostNames();
  }

  // ---- exchanges ----

  @Override
  public Future<Exchange> declareExchange(Exchange exchange) {
    return catalog.declareExchange(exchange);
  }

  @Override
  public Future<Void> deleteExchange(String vhost, String name, boolean ifUnused) {
    return catalog.deleteExchange(vhost, name, ifUnused);
  }

  @Override
  public Exchange exchange(String vhost, String name) {
    Exchange x = directory.vhost(vhost).topology().exchange(name);
    if (x == null) {
      throw ErrorCode.noExchange(vhost, name);
    }
    return x;
  }

  @Override
  public List<Exchange> exchanges(String vhost) {
    return List.copyOf(directory.vhost(vhost).topology().exchanges());
  }

  // ---- queues ----

  @Override
  public Future<QueueInfo> declareQueue(Queue queue) {
    return catalog.declareQueue(queue, null);
  }

  @Override
  public Future<Long> deleteQueue(String vhost, String name, boolean ifUnused, boolean ifEmpty) {
    return catalog.deleteQueue(vhost, name, ifUnused, ifEmpty, null);
  }

  @Override
  public Future<Long> purgeQueue(String vhost, String name) {
    return attempt(() -> directory.queue(vhost, name).link().purge());
  }

  @Override
  public Future<QueueInfo> queueInfo(String vhost, String name) {
    return attempt(() -> {
      QueueEntry q = directory.queue(vhost, name);
      if (q.link() instanceof RemoteQueue r) {
        return r.fetchStats().map(s -> Catalog.info(q)).recover(e -> Future.succeededFuture(Catalog.info(q)));
      }
      return Future.succeededFuture(Catalog.info(q));
    });
  }

  @Override
  public List<QueueInfo> queues(String vhost) {
    return directory.vhost(vhost).queues().stream().map(Catalog::info)
        .sorted(Comparator.comparing(i -> i.queue().name())).toList();
  }

  // ---- bindings ----

  @Override
  public Future<Void> bind(Binding binding) {
    return catalog.bind(binding);
  }

  @Override
  public Future<Void> unbind(Binding binding) {
    return catalog.unbind(binding);
  }

  @Override
  public List<Binding> bindings(String vhost) {
    return directory.vhost(vhost).topology().bindings();
  }

  // ---- messages and connections ----

  @Override
  public Future<PublishResult> publish(String vhost, Message message, boolean mandatory) {
    return publishing.publish(vhost, message, mandatory);
  }

  @Override
  public Future<GetResult> get(String vhost, String queue, boolean autoAck) {
    return attempt(() -> {
      QueueLink link = directory.queue(vhost, queue).link();
      // One holder of this node's gets per queue: it goes back to the queue if this node leaves.
      return link.get(getHolder, autoAck ? AckMode.AUTO : AckMode.CLIENT_INDIVIDUAL)
          .map(got -> new GetResult(got, link, autoAck));
    });
  }

  @Override
  public Future<Consumer> consume(String vhost, String queue, ConsumeOptions options, Handler<Delivery> handler) {
    return consumers.consume(vhost, queue, options, handler, null, () -> { });
  }

  @Override
  public Connection connect(ClientInfo client) {
    return connections.connect(client);
  }

  @Override
  public List<ConnectionInfo> connections() {
    return connections.list();
  }

  // ---- wiring ----

  private void lastConsumerGone(String vhost, String queue) {
    catalog.lastConsumerGone(vhost, queue);
  }

  private void expired(QueueEntry q) {
    catalog.expired(q);
  }

  private LeaseClock leaseClock() {
    return cluster.leaseClock();
  }

  /** Runs {@code operation}; a lookup that throws becomes a failed future. */
  private static <T> Future<T> attempt(Supplier<Future<T>> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
