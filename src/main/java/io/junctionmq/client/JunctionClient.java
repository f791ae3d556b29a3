package io.junctionmq.client;

import io.junctionmq.broker.PublishResult;
import io.junctionmq.broker.QueueInfo;
import io.junctionmq.cluster.Clustering;
import io.junctionmq.cluster.MemberRole;
import io.junctionmq.cluster.Membership;
import io.junctionmq.cluster.Protocol;
import io.junctionmq.cluster.Wire;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.model.AckMode;
import io.junctionmq.transport.eventbus.ClientProtocol;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A Java client for a Vert.x application that joins the Junction cluster as a member without
 * owning queues (DESIGN §4, "Event bus"; docs/embedding.md). It talks to one live broker node at
 * a time, through a session there that the node keeps while the client's heartbeats come;
 * when that node leaves the cluster or stops answering, the client opens a session on
 * another one and makes its subscriptions again.
 *
 * <p>Every method may be called from any thread. Futures complete, and delivery handlers run,
 * on the client's context: the one {@link #connect} was called on, else a new event loop.
 * Expected failures are {@link JunctionException}s: the broker's own codes (NOT_FOUND,
 * PRECONDITION_FAILED, STORE_UNAVAILABLE...) as the node that carried the request out gave them,
 * the same as HTTP and STOMP clients see (docs/errors.md), and UNAVAILABLE, retriable, when no node
 * answered in time or the node went away with the request in flight (it may have been carried
 * out). A request the node certainly did not receive is sent again to the next node.
 */
public final class JunctionClient {
  private final Vertx vertx;
  private final Context context;
  private final ClientOptions options;
  private final String id = "client-" + UUID.randomUUID();
  private final Map<String, ClientConsumer> consumers = new LinkedHashMap<>();
  private final Nodes nodes;
  private Membership membership;
  private MessageConsumer<Buffer> inbox;
  private long heartbeats;
  private int consumerTags;
  private boolean closed;

  /** A session on one broker node; requests in flight on it fail when it is lost. */
  static final class Session {
    final String node;
    final String id;
    final Set<Promise<Buffer>> pending = new HashSet<>();
    boolean lost;

    Session(String node, String id) {
      this.node = node;
      this.id = id;
    }
  }

  private JunctionClient(Vertx vertx, Context context, ClientOptions options) {
    this.vertx = vertx;
    this.context = context;
    this.options = options;
    this.nodes = new Nodes(this, vertx, options);
  }

  /** As {@link #connect(Vertx, ClientOptions)} with {@link ClientOptions#DEFAULTS}. */
  public static Future<JunctionClient> connect(Vertx vertx) {
    return connect(vertx, ClientOptions.DEFAULTS);
  }

  /**
   * Joins the cluster of {@code vertx} (a clustered Vert.x on the brokers' Hazelcast cluster)
   * as a client member, not listed among the brokers, and opens a session on a live broker
   * node. Completes with the client; fails INVALID_ARGUMENT if {@code vertx} is not clustered,
   * ACCESS_REFUSED if the credentials are refused, UNAVAILABLE if no broker node answered within the
   * request timeout.
   */
  public static Future<JunctionClient> connect(Vertx vertx, ClientOptions options) {
    if (!vertx.isClustered()) {
      return Future.failedFuture(ErrorCode.INVALID_ARGUMENT.error("JunctionClient needs a clustered Vert.x"));
    }
    var client = new JunctionClient(vertx, vertx.getOrCreateContext(), options);
    return client.onContext(client::start);
  }

  private Future<JunctionClient> start() {
    inbox = vertx.eventBus().consumer(Protocol.client(id), m -> received(m.body()));
    return inbox.completion()
        .compose(v -> Clustering.membership(vertx, id, MemberRole.CLIENT))
        .compose(m -> {
          membership = m;
          nodes.membership(m);
          m.onChange(members -> context.runOnContext(v -> nodes.membersChanged(members)));
          heartbeats = vertx.setPeriodic(options.heartbeat().toMillis(), t -> nodes.heartbeat());
          return bounded(nodes.session(), "open a session").map(s -> this);
        })
        .onFailure(e -> close());
  }

  /** This client's id in the cluster. */
  public String id() {
    return id;
  }

  /** The broker node the client is using now, or null while it has none. */
  public String node() {
    Session s = nodes.current();
    return s == null ? null : s.node;
  }

  // ---- topology ----

  /** Declares an exchange; completes with it. Fails as {@code Broker#declareExchange}. */
  public Future<Exchange> declareExchange(Exchange exchange) {
    return request(ClientProtocol.DECLARE_EXCHANGE, w -> ClientProtocol.exchange(w, exchange))
        .map(b -> ClientProtocol.exchange(new Wire.Reader(b)));
  }

  /** Deletes an exchange and its bindings; with {@code ifUnused}, fails IN_USE if bound. */
  public Future<Void> deleteExchange(String vhost, String name, boolean ifUnused) {
    return request(ClientProtocol.DELETE_EXCHANGE, w -> w.str(vhost).str(name).bool(ifUnused)).mapEmpty();
  }

  /**
   * Declares a queue; completes with its info. An exclusive queue belongs to the client's
   * session: it is deleted when the client closes or moves to another node.
   */
  public Future<QueueInfo> declareQueue(Queue queue) {
    return request(ClientProtocol.DECLARE_QUEUE, w -> ClientProtocol.queue(w, queue))
        .map(b -> ClientProtocol.queueInfo(new Wire.Reader(b)));
  }

  /** Deletes a queue; completes with the number of messages it held. */
  public Future<Long> deleteQueue(String vhost, String name) {
    return deleteQueue(vhost, name, false, false);
  }

  /** Deletes a queue, failing IN_USE if {@code ifUnused} and it has consumers or {@code ifEmpty} and it has messages. */
  public Future<Long> deleteQueue(String vhost, String name, boolean ifUnused, boolean ifEmpty) {
    return request(ClientProtocol.DELETE_QUEUE, w -> w.str(vhost).str(name).bool(ifUnused).bool(ifEmpty))
        .map(b -> new Wire.Reader(b).i64());
  }

  /** Binds; binding an existing binding is a no-op. Fails NOT_FOUND for a missing end. */
  public Future<Void> bind(Binding binding) {
    return request(ClientProtocol.BIND, w -> ClientProtocol.binding(w, binding)).mapEmpty();
  }

  /** Unbinds; unbinding a missing binding is a no-op. */
  public Future<Void> unbind(Binding binding) {
    return request(ClientProtocol.UNBIND, w -> ClientProtocol.binding(w, binding)).mapEmpty();
  }

  // ---- messages ----

  /**
   * Publishes; completes when the broker confirms: every queue the message was routed to holds
   * it (committed to PostgreSQL for a persistent message in a durable queue). An unroutable
   * message is confirmed and dropped, as in AMQP. Fails NOT_FOUND for an unknown vhost or
   * exchange, QUEUE_FULL when a queue refused it, UNAVAILABLE as the class says.
   */
  public Future<Void> publish(String vhost, String exchange, String routingKey, MessageProperties properties,
                              byte[] body) {
    return publish(vhost, new Message(exchange, routingKey, properties, body), false).mapEmpty();
  }

  /** Publishes {@code message}; with {@code mandatory}, an unroutable one fails NO_ROUTE. Completes with how many queues hold it. */
  public Future<PublishResult> publish(String vhost, Message message, boolean mandatory) {
    return request(ClientProtocol.PUBLISH, w -> w.str(vhost).bool(mandatory).message(message))
        .map(b -> new PublishResult(new Wire.Reader(b).i32()));
  }

  /**
   * Subscribes to a queue: at most {@code prefetch} (at least 1) deliveries unacked at a time
   * with CLIENT or CLIENT_INDIVIDUAL acks; with AUTO, deliveries are settled when sent and at
   * most twice {@code prefetch} wait for the handler. Completes once the broker has the
   * subscription; fails NOT_FOUND for an unknown queue, RESOURCE_LOCKED for another's
   * exclusive queue.
   */
  public Future<ClientConsumer> consume(String vhost, String queue, int prefetch, AckMode ackMode,
                                        Handler<Delivery> handler) {
    if (prefetch < 1) {
      return Future.failedFuture(ErrorCode.INVALID_ARGUMENT.error("prefetch must be at least 1, got " + prefetch));
    }
    return onContext(() -> {
      if (closed) {
        return closedFailure();
      }
      var c = new ClientConsumer(this, id + "-" + ++consumerTags, vhost, queue, prefetch, ackMode, handler);
      consumers.put(c.tag(), c);
      return bounded(nodes.session(), "subscribe")
          .compose(s -> subscribe(s, c))
          .map(v -> c)
          .onSuccess(v -> context.runOnContext(x -> c.start()))
          .onFailure(e -> {
            // The node may have made the subscription without our hearing of it: undo it.
            c.ended(e.getMessage());
            cancel(c, c.session());
          });
    });
  }

  /**
   * Acks {@code delivery} through the consumer it came to, as {@link ClientConsumer#ack}; usable
   * in the delivery handler before the {@code consume} future has been seen.
   */
  public Future<Void> ack(Delivery delivery, boolean multiple) {
    return onContext(() -> consumer(delivery).compose(c -> c.ack(delivery.deliveryTag(), multiple)));
  }

  /** Nacks {@code delivery} through the consumer it came to, as {@link ClientConsumer#nack}. */
  public Future<Void> nack(Delivery delivery, boolean multiple, boolean requeue) {
    return onContext(() -> consumer(delivery).compose(c -> c.nack(delivery.deliveryTag(), multiple, requeue)));
  }

  private Future<ClientConsumer> consumer(Delivery delivery) {
    ClientConsumer c = consumers.get(delivery.consumerTag());
    return c != null ? Future.succeededFuture(c) : Future.failedFuture(ErrorCode.UNKNOWN_DELIVERY_TAG.error(
        "consumer " + delivery.consumerTag() + " has ended: its unacked deliveries went back to the queue"));
  }

  /**
   * Leaves: ends the session (consumers are cancelled, unacked messages go back to their
   * queues, exclusive queues are deleted) and the cluster membership. The Vert.x stays up.
   */
  public Future<Void> close() {
    return onContext(() -> {
      if (closed) {
        return Future.succeededFuture();
      }
      closed = true;
      vertx.cancelTimer(heartbeats);
      consumers.clear();
      Future<Void> goodbye = nodes.close();
      return goodbye
          .eventually(() -> inbox == null ? Future.succeededFuture() : inbox.unregister())
          .eventually(() -> membership == null ? Future.succeededFuture() : membership.close());
    });
  }

  // ---- for ClientConsumer and Nodes, on the client's context ----

  /** Makes (or makes again, after a move) the subscription of {@code c} on session {@code s}. */
  Future<Void> subscribe(Session s, ClientConsumer c) {
    if (c.session() != s) {
      c.attach(s);
    }
    return nodes.send(s, ClientProtocol.CONSUME, w -> w.str(c.tag()).str(c.vhost()).str(c.queue()).i32(c.prefetch())
        .i8((byte) c.mode().ordinal())).mapEmpty();
  }

  Iterable<ClientConsumer> consumers() {
    return new ArrayList<>(consumers.values());
  }

  void ended(ClientConsumer c, String reason) {
    consumers.remove(c.tag());
    c.ended(reason);
  }

  Future<Void> cancel(ClientConsumer c, Session s) {
    consumers.remove(c.tag());
    if (s == null || s.lost) {
      return Future.succeededFuture();
    }
    return nodes.send(s, ClientProtocol.CANCEL, w -> w.str(c.tag())).mapEmpty();
  }

  Future<Void> settle(Session s, String tag, long brokerTag, boolean multiple, Boolean requeue) {
    if (s == null || s.lost) {
      return Future.succeededFuture();
    }
    if (requeue == null) {
      return nodes.send(s, ClientProtocol.ACK, w -> w.str(tag).i64(brokerTag).bool(multiple)).mapEmpty();
    }
    return nodes.send(s, ClientProtocol.NACK, w -> w.str(tag).i64(brokerTag).bool(multiple).bool(requeue))
        .mapEmpty();
  }

  void credit(Session s, String tag, int n) {
    if (s != null && !s.lost) {
      vertx.eventBus().send(Protocol.clients(s.node), ClientProtocol.request(ClientProtocol.CREDIT, s.id).str(tag)
          .i32(n).buffer());
    }
  }

  boolean closed() {
    return closed;
  }

  /** Runs {@code action} on the client's context; the future completes there. */
  <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  private Future<Buffer> request(byte op, Function<Wire, Wire> fields) {
    return onContext(() -> closed ? closedFailure() : nodes.request(op, fields));
  }

  private <T> Future<T> bounded(Future<T> future, String what) {
    return nodes.bounded(future, what);
  }

  private static <T> Future<T> closedFailure() {
    return Future.failedFuture(ErrorCode.UNAVAILABLE.error("the client is closed"));
  }

  /** A DELIVER, CANCELLED or CLOSED from the node serving a session; anything from a session no longer in use is dropped. */
  private void received(Buffer body) {
    var r = new Wire.Reader(body);
    byte op = r.i8();
    Session s = nodes.current();
    if (s == null || !s.id.equals(r.str())) {
      return;
    }
    if (op == ClientProtocol.CLOSED) {
      nodes.lost(s, "closed the session");
      return;
    }
    ClientConsumer c = consumers.get(r.str());
    if (c == null || c.session() != s) {
      return;
    }
    if (op == ClientProtocol.DELIVER) {
      c.deliver(r.i64(), r.bool(), r.i32(), r.str(), r.message());
    } else if (op == ClientProtocol.CANCELLED) {
      ended(c, r.str());
    }
  }
}
