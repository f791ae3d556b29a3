package io.junctionmq.transport.eventbus;

import io.junctionmq.broker.QueueInfo;
import io.junctionmq.cluster.Protocol;
import io.junctionmq.cluster.Stats;
import io.junctionmq.cluster.Wire;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The event-bus protocol between a {@code JunctionClient} and the broker node serving its
 * session ({@link io.junctionmq.cluster.Protocol#clients}): binary {@link Wire} messages, an op
 * byte first. Every request to a node names the session; deliveries and cancellations go the
 * other way, to the client's own address, without a reply. A request fails as a request between
 * nodes does ({@link Protocol#JUNCTION_ERROR}, the code by name: {@link #fail}), or with
 * {@link #SESSION_UNKNOWN}.
 */
public final class ClientProtocol {
  /**
   * Opens a session: session id, client id, heartbeat in ms, credentials (see {@link #open}).
   * The node closes it after three silent heartbeats.
   */
  public static final byte OPEN = 1;
  public static final byte PING = 2;
  public static final byte CLOSE = 3;
  public static final byte DECLARE_EXCHANGE = 4;
  public static final byte DELETE_EXCHANGE = 5;
  public static final byte DECLARE_QUEUE = 6;
  public static final byte DELETE_QUEUE = 7;
  public static final byte BIND = 8;
  public static final byte UNBIND = 9;
  /** vhost, mandatory, message; the reply is the number of queues that hold it. */
  public static final byte PUBLISH = 10;
  /** subscription id, vhost, queue, prefetch, ack mode. */
  public static final byte CONSUME = 11;
  public static final byte CANCEL = 12;
  public static final byte ACK = 13;
  public static final byte NACK = 14;
  /** subscription id, count: an auto-ack subscription's handler has run that many deliveries (no reply). */
  public static final byte CREDIT = 15;
  // To the client.
  /** session, subscription id, delivery tag, redelivered, delivery count, queue, message. */
  public static final byte DELIVER = 30;
  /** session, subscription id, reason: the broker ended the subscription (its queue was deleted). */
  public static final byte CANCELLED = 31;
  /** session: the node closed the session (it is stopping, or heard nothing from the client for too long). */
  public static final byte CLOSED = 32;

  /** The failure code of a request naming a session the node does not have (closed, expired, or another life of the node). */
  public static final int SESSION_UNKNOWN = 1000;

  private ClientProtocol() {
  }

  /** Fails a client's request with the Junction error for {@code error}, translated here if it is none yet. */
  public static void fail(Message<?> request, Throwable error, String where) {
    Protocol.fail(request, error, where);
  }

  /** Fails a request naming a session this node does not have: the client opens another. */
  public static void failSessionUnknown(Message<?> request, String reason) {
    request.fail(SESSION_UNKNOWN, reason);
  }

  /** Whether a request failed because the node does not have its session ({@link #SESSION_UNKNOWN}). */
  public static boolean sessionUnknown(Throwable failure) {
    return failure instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && r.failureCode() == SESSION_UNKNOWN;
  }

  /** An OPEN: session id, client id, heartbeat, then whether credentials follow, and the login and password. */
  public static Wire open(String session, String clientId, long heartbeatMs, String login, String password) {
    Wire w = request(OPEN, session).str(clientId).i64(heartbeatMs).bool(login != null);
    return login == null ? w : w.str(login).str(password == null ? "" : password);
  }

  public static Wire request(byte op, String session) {
    return Wire.op(op).str(session);
  }

  public static Wire exchange(Wire w, Exchange e) {
    return w.str(e.vhost()).str(e.name()).str(e.type().wireName()).bool(e.durable()).bool(e.autoDelete())
        .bool(e.internal()).str(arguments(e.arguments()));
  }

  public static Exchange exchange(Wire.Reader r) {
    return new Exchange(r.str(), r.str(), ExchangeType.of(r.str()), r.bool(), r.bool(), r.bool(), arguments(r.str()));
  }

  public static Wire queue(Wire w, Queue q) {
    return w.str(q.vhost()).str(q.name()).bool(q.durable()).bool(q.exclusive()).bool(q.autoDelete())
        .str(arguments(q.arguments()));
  }

  public static Queue queue(Wire.Reader r) {
    return new Queue(r.str(), r.str(), r.bool(), r.bool(), r.bool(), arguments(r.str()));
  }

  public static Wire binding(Wire w, Binding b) {
    return w.str(b.vhost()).str(b.source()).i8((byte) b.destinationType().ordinal()).str(b.destination())
        .str(b.routingKey()).str(arguments(b.arguments()));
  }

  public static Binding binding(Wire.Reader r) {
    return new Binding(r.str(), r.str(), Binding.DestinationType.values()[r.i8()], r.str(), r.str(),
        arguments(r.str()));
  }

  public static Wire queueInfo(Wire w, QueueInfo info) {
    return Stats.write(queue(w, info.queue()).i64(info.id()).str(info.owner()), info.stats());
  }

  public static QueueInfo queueInfo(Wire.Reader r) {
    return new QueueInfo(queue(r), r.i64(), r.str(), Stats.read(r));
  }

  private static String arguments(Map<String, Object> arguments) {
    return new JsonObject(arguments).encode();
  }

  private static Map<String, Object> arguments(String json) {
    return new JsonObject(json).getMap();
  }
}
