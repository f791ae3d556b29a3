package io.junctionmq.broker;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.Message;
import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueMove;
import io.junctionmq.security.Identity;
import io.junctionmq.security.Permission;
import io.junctionmq.security.UserDatabase;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.List;
import java.util.function.Supplier;

/**
 * The broker as one user may use it ({@link Broker#as}): each operation passes the user's
 * {@link Guard} before it reaches the broker. The reads of this node's view are not checked
 * here; the management API decides by the user's tags what it shows.
 */
final class CheckedBroker implements Broker {
  private final BrokerImpl broker;
  private final Guard guard;

  CheckedBroker(BrokerImpl broker, Guard guard) {
    this.broker = broker;
    this.guard = guard;
  }

  private static <T> Future<T> checked(Runnable check, Supplier<Future<T>> operation) {
    try {
      check.run();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return operation.get();
  }

  @Override
  public String nodeId() {
    return broker.nodeId();
  }

  @Override
  public List<String> nodes() {
    return broker.nodes();
  }

  @Override
  public List<QueueMove> rebalance() {
    guard.administrator("rebalancing the queues", null);
    return broker.rebalance();
  }

  /** As RabbitMQ's management API does, the administrator who creates a vhost gets every permission in it. */
  @Override
  public Future<Void> declareVhost(String name) {
    String by = guard.user().name();
    return checked(() -> guard.administrator("creating a vhost", name), () -> broker.declareVhost(name, by)
        .compose(created -> created ? broker.users().setPermission(Permission.all(by, name), by)
            : Future.succeededFuture()));
  }

  @Override
  public Future<Void> deleteVhost(String name) {
    return checked(() -> guard.administrator("deleting a vhost", name),
        () -> broker.deleteVhost(name, guard.user().name()));
  }

  @Override
  public List<String> vhosts() {
    return broker.vhosts();
  }

  @Override
  public Future<Exchange> declareExchange(Exchange exchange) {
    return checked(() -> guard.configureExchange(exchange.vhost(), exchange.name()),
        () -> broker.declareExchange(exchange));
  }

  @Override
  public Future<Void> deleteExchange(String vhost, String name, boolean ifUnused) {
    return checked(() -> guard.configureExchange(vhost, name), () -> broker.deleteExchange(vhost, name, ifUnused));
  }

  @Override
  public Exchange exchange(String vhost, String name) {
    return broker.exchange(vhost, name);
  }

  @Override
  public List<Exchange> exchanges(String vhost) {
    return broker.exchanges(vhost);
  }

  @Override
  public Future<QueueInfo> declareQueue(Queue queue) {
    return checked(() -> guard.configureQueue(queue), () -> broker.declareQueue(queue));
  }

  @Override
  public Future<Long> deleteQueue(String vhost, String name, boolean ifUnused, boolean ifEmpty) {
    return checked(() -> guard.configureQueue(vhost, name), () -> broker.deleteQueue(vhost, name, ifUnused, ifEmpty));
  }

  @Override
  public Future<Long> purgeQueue(String vhost, String name) {
    return checked(() -> guard.readQueue(vhost, name), () -> broker.purgeQueue(vhost, name));
  }

  @Override
  public Future<QueueInfo> queueInfo(String vhost, String name) {
    return broker.queueInfo(vhost, name);
  }

  @Override
  public List<QueueInfo> queues(String vhost) {
    return broker.queues(vhost);
  }

  @Override
  public Future<Void> bind(Binding binding) {
    return checked(() -> guard.bind(binding), () -> broker.bind(binding));
  }

  @Override
  public Future<Void> unbind(Binding binding) {
    return checked(() -> guard.bind(binding), () -> broker.unbind(binding));
  }

  @Override
  public List<Binding> bindings(String vhost) {
    return broker.bindings(vhost);
  }

  @Override
  public Future<PublishResult> publish(String vhost, Message message, boolean mandatory) {
    return checked(() -> guard.publish(vhost, message), () -> broker.publish(vhost, message, mandatory));
  }

  @Override
  public Future<GetResult> get(String vhost, String queue, boolean autoAck) {
    return checked(() -> guard.readQueue(vhost, queue), () -> broker.get(vhost, queue, autoAck));
  }

  @Override
  public Future<Consumer> consume(String vhost, String queue, ConsumeOptions options, Handler<Delivery> handler) {
    return checked(() -> guard.readQueue(vhost, queue), () -> broker.consume(vhost, queue, options, handler));
  }

  /** Opens a connection of the user; fails ACCESS_REFUSED when the user may not use the client's vhost. */
  @Override
  public Connection connect(ClientInfo client) {
    if (client.vhost() != null) {
      guard.vhost(client.vhost());
    }
    return broker.connect(client.user(guard.user()), guard);
  }

  @Override
  public Listings listings() {
    return broker.listings();
  }

  @Override
  public Future<Identity> login(String user, String password, String remoteHost, String transport) {
    return broker.login(user, password, remoteHost, transport);
  }

  @Override
  public Future<Identity> loginWithToken(String token, String remoteHost, String transport) {
    return broker.loginWithToken(token, remoteHost, transport);
  }

  @Override
  public Future<Identity> anonymous(String remoteHost, String transport) {
    return broker.anonymous(remoteHost, transport);
  }

  @Override
  public Broker as(Identity user) {
    return broker.as(user);
  }

  @Override
  public UserDatabase users() {
    return broker.users();
  }
}
