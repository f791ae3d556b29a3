package io.junctionmq.broker;

import static io.junctionmq.async.Futures.attempt;

import io.junctionmq.async.Serial;
import io.junctionmq.cluster.ClusterSync;
import io.junctionmq.cluster.Membership;
import io.junctionmq.cluster.QueueDirectory;
import io.junctionmq.cluster.QueueEntry;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.Message;
import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueMove;
import io.junctionmq.queue.LeaseClock;
import io.junctionmq.queue.MessageLatency;
import io.junctionmq.queue.QueueLimits;
import io.junctionmq.security.AuthSettings;
import io.junctionmq.security.Identity;
import io.junctionmq.security.InMemorySecurityStore;
import io.junctionmq.security.Security;
import io.junctionmq.security.SecurityStore;
import io.junctionmq.security.UserDatabase;
import io.junctionmq.store.MessageStore;
import io.junctionmq.store.MetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.Comparator;
import java.util.List;
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
  public record Settings(QueueLimits limits, ClusterSync.Settings cluster) { }

  private final String self;
  private final Membership membership;
  private final QueueDirectory directory = new QueueDirectory();
  private final QueueExpiry expiry;
  private final Publishing publishing;
  private final QueueFactory queues;
  private final ClusterSync cluster;
  private final Catalog catalog;
  private final Consumers consumers;
  private final Connections connections;
  private final Security security;

  /** A broker whose users live in memory, with RabbitMQ's default {@code guest} (tests, embedding). */
  public BrokerImpl(Vertx vertx, Membership membership, Settings settings, MetadataStore metadata,
                    MessageStore durableStore, MessageStore memoryStore) {
    this(vertx, membership, settings, metadata, durableStore, memoryStore, new InMemorySecurityStore(),
        AuthSettings.DEFAULTS);
  }

  public BrokerImpl(Vertx vertx, Membership membership, Settings settings, MetadataStore metadata,
                    MessageStore durableStore, MessageStore memoryStore, SecurityStore securityStore,
                    AuthSettings auth) {
    this.self = membership.self();
    this.security = new Security(vertx, securityStore, auth, self);
    this.membership = membership;
    var serial = new Serial(vertx.getOrCreateContext());
    this.expiry = new QueueExpiry(vertx, this::expired);
    this.publishing = new Publishing(vertx, directory);
    this.queues = new QueueFactory(settings.limits(), durableStore, memoryStore, publishing, this::lastConsumerGone,
        expiry, this::leaseClock);
    this.cluster = new ClusterSync(vertx, membership, metadata, directory, serial, queues,
        (vhost, name, ifUnused, ifEmpty) -> deleteQueue(vhost, name, ifUnused, ifEmpty), settings.cluster());
    this.catalog = new Catalog(metadata, directory, cluster.ownership(), cluster.placement(), cluster.events(),
        expiry, serial, security.users());
    this.consumers = new Consumers(vertx, self, directory);
    directory.listener(consumers);
    this.connections = new Connections(vertx, membership, security.users(), catalog, publishing, consumers);
  }

  /** Where sampled publish and delivery latencies go (metrics). Set before {@link #start()}. */
  public BrokerImpl latency(MessageLatency latency) {
    publishing.latency(latency);
    queues.latency(latency);
    return this;
  }

  /** Loads the stored metadata and recovers every durable queue; completes when all serve. */
  public Future<Void> start() {
    return cluster.start().compose(v -> security.start()).onSuccess(v -> connections.start())
        .onSuccess(v -> log.info("broker {} ready: {} vhosts, {} queues, {} of them here", self,
            directory.vhostNames().size(), directory.queues().size(), directory.ownedHere().size()));
  }

  /** Stops every queue on this node (stored messages stay); in a cluster hands each durable queue over first. */
  public Future<Void> stop() {
    expiry.stop();
    return cluster.stop().eventually(connections::stop).eventually(security::stop);
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

  @Override
  public List<QueueMove> rebalance() {
    return cluster.rebalance();
  }

  // ---- vhosts ----

  @Override
  public Future<Void> declareVhost(String name) {
    return declareVhost(name, null).mapEmpty();
  }

  /** Completes with whether the vhost is new; {@code by} made the change (null: the application). */
  Future<Boolean> declareVhost(String name, String by) {
    return catalog.declareVhost(name, by);
  }

  @Override
  public Future<Void> deleteVhost(String name) {
    return deleteVhost(name, null);
  }

  Future<Void> deleteVhost(String name, String by) {
    return catalog.deleteVhost(name, by).compose(v -> security.users().vhostDeleted(name));
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
    return directory.exchange(vhost, name);
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
    return attempt(() -> catalog.queueInfo(vhost, name));
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
    return consumers.get(vhost, queue, autoAck);
  }

  @Override
  public Future<Consumer> consume(String vhost, String queue, ConsumeOptions options, Handler<Delivery> handler) {
    return consumers.consume(vhost, queue, options, handler, null, () -> { });
  }

  @Override
  public Connection connect(ClientInfo client) {
    return connections.connect(client, null);
  }

  /** A connection whose operations pass {@code guard} first. */
  Connection connect(ClientInfo client, Guard guard) {
    return connections.connect(client, guard);
  }

  @Override
  public Listings listings() {
    return connections.listings();
  }

  // ---- users ----

  @Override
  public Future<Identity> login(String user, String password, String remoteHost, String transport) {
    return security.authenticator().login(user, password, remoteHost, transport);
  }

  @Override
  public Future<Identity> loginWithToken(String token, String remoteHost, String transport) {
    return security.authenticator().loginWithToken(token, remoteHost, transport);
  }

  @Override
  public Future<Identity> anonymous(String remoteHost, String transport) {
    return security.authenticator().anonymous(remoteHost, transport);
  }

  @Override
  public Broker as(Identity user) {
    return new CheckedBroker(this, new Guard(user, directory::exchangeOrNull, v -> directory.findVhost(v) != null,
        security.users().audit()));
  }

  @Override
  public UserDatabase users() {
    return security.users();
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
}
