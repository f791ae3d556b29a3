package io.junctionmq.broker;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.Message;
import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueMove;
import io.junctionmq.security.Identity;
import io.junctionmq.security.UserDatabase;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.List;

/**
 * The one facade that every transport calls. Every method may be called from any thread;
 * futures complete on the caller's Vert.x context (or on a broker thread when called from
 * outside Vert.x). Expected failures are {@link io.junctionmq.model.JunctionException}s
 * carrying an {@link io.junctionmq.model.ErrorCode}: operations fail their futures; the reads
 * of this node's view that answer at once ({@link #vhosts}, {@link #exchange}, {@link
 * #exchanges}, {@link #queues}, {@link #bindings}) throw them.
 */
public interface Broker {

  String nodeId();

  /** The live broker nodes of the cluster, this one included, sorted; standalone, just this one. */
  List<String> nodes();

  /**
   * Asks every node to move queues to the least loaded nodes until each owns within one queue
   * of the others, by graceful hand-over; returns the moves planned, as this node sees the
   * cluster now (none standalone or when balanced). The moves run after this returns.
   */
  List<QueueMove> rebalance();

  // ---- vhosts ----

  /** Creates a vhost with its predeclared exchanges; a no-op if it exists. */
  Future<Void> declareVhost(String name);

  /** Deletes a vhost and everything in it; fails NOT_FOUND if there is none. */
  Future<Void> deleteVhost(String name);

  List<String> vhosts();

  // ---- exchanges ----

  /**
   * Declares an exchange; completes with it. Redeclaring with other attributes fails
   * PRECONDITION_FAILED, a name with the reserved prefix {@code amq.} fails ACCESS_REFUSED.
   */
  Future<Exchange> declareExchange(Exchange exchange);

  /** Deletes an exchange and its bindings; with {@code ifUnused}, fails IN_USE if bound. */
  Future<Void> deleteExchange(String vhost, String name, boolean ifUnused);

  /** The exchange; throws NOT_FOUND for an unknown vhost or exchange. */
  Exchange exchange(String vhost, String name);

  List<Exchange> exchanges(String vhost);

  // ---- queues ----

  /**
   * Declares a queue; completes with its info. Redeclaring with other attributes fails
   * PRECONDITION_FAILED. Exclusive queues need a {@link Connection}.
   */
  Future<QueueInfo> declareQueue(Queue queue);

  /** Deletes a queue; completes with the number of messages it held. */
  Future<Long> deleteQueue(String vhost, String name, boolean ifUnused, boolean ifEmpty);

  /** Removes every ready message; completes with how many. */
  Future<Long> purgeQueue(String vhost, String name);

  /** The queue's declaration and counts; fails NOT_FOUND. */
  Future<QueueInfo> queueInfo(String vhost, String name);

  List<QueueInfo> queues(String vhost);

  // ---- bindings ----

  /** Binds; binding an existing binding is a no-op. Fails NOT_FOUND for a missing end. */
  Future<Void> bind(Binding binding);

  /** Unbinds; unbinding a missing binding is a no-op. */
  Future<Void> unbind(Binding binding);

  List<Binding> bindings(String vhost);

  // ---- messages ----

  /**
   * Publishes to {@code message.exchange()}; completes when every queue it was routed to
   * holds it (committed to PostgreSQL for a persistent message in a durable queue). With
   * {@code mandatory}, an unroutable message fails NO_ROUTE.
   */
  Future<PublishResult> publish(String vhost, Message message, boolean mandatory);

  /**
   * Takes the message at the head of a queue, as AMQP's {@code basic.get}: completes at once
   * with it, or with an empty result when the queue has none ready. With {@code autoAck} it
   * is settled as it is taken; otherwise it is held until the result's ack or nack (and
   * returns to the queue if this node leaves the cluster first). Fails NOT_FOUND.
   */
  Future<GetResult> get(String vhost, String queue, boolean autoAck);

  /**
   * Subscribes to a queue; deliveries arrive at {@code handler} on the caller's context.
   * Completes with the consumer once it is registered.
   */
  Future<Consumer> consume(String vhost, String queue, ConsumeOptions options, Handler<Delivery> handler);

  /**
   * Opens a client connection: it owns exclusive queues and its consumers end with it. The
   * broker lists it and logs {@code connection.opened} now and {@code connection.closed} when
   * it closes, with the facts of {@code client}.
   */
  Connection connect(ClientInfo client);

  /** This node's connections. */
  default List<ConnectionInfo> connections() {
    return listings().localConnections();
  }

  /** The connections and consumers of the whole cluster; closing a connection wherever it is open. */
  Listings listings();

  // ---- users ----

  /**
   * Logs {@code user} in with {@code password}, from {@code remoteHost} (an IP address, or
   * null where the transport has none, as inside the cluster) over {@code transport}.
   * Completes with its identity; fails ACCESS_REFUSED, after a delay.
   */
  Future<Identity> login(String user, String password, String remoteHost, String transport);

  /**
   * Logs in the user of a JSON Web Token (RabbitMQ's OAuth 2 tokens), from {@code remoteHost}
   * over {@code transport}; its permissions and tags are the token's scopes. Completes with its
   * identity; fails ACCESS_REFUSED, after a delay, saying why (expired, wrong audience, ...), and
   * always when no keys are configured.
   */
  Future<Identity> loginWithToken(String token, String remoteHost, String transport);

  /** A client that brings no credentials: the anonymous user, if there is one and it may connect from there. */
  Future<Identity> anonymous(String remoteHost, String transport);

  /**
   * This broker as {@code user} may use it: every operation is checked against the user's
   * permissions (ACCESS_REFUSED), and the connections it opens are the user's.
   */
  Broker as(Identity user);

  /** Users, permissions and vhost limits. */
  UserDatabase users();
}
