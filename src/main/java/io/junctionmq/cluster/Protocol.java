package io.junctionmq.cluster;

import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Failures;
import io.junctionmq.model.Got;
import io.junctionmq.model.JunctionException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Addresses and op codes of the event-bus protocol between nodes. Every node listens on
 * {@link #node(String)} for requests about the queues it owns and for deliveries to its
 * consumers; metadata changes and queue counts are published on {@link #METADATA}. A request
 * fails with {@link #JUNCTION_ERROR} and its error's code by name ({@link #fail}, {@link #error}).
 */
public final class Protocol {
  /** Metadata events and queue counts, published to every node (JSON). */
  public static final String METADATA = "junction.metadata";
  /** Users or permissions changed on the node named in the body: the others read them again (String). */
  public static final String SECURITY = "junction.security";
  /** A node's counts of the connections of the vhosts and users that have a connection limit, to every node (JSON). */
  public static final String CONNECTIONS = "junction.connections";

  // Requests about a queue: queue id, the epoch the sender believes current, then the fields.
  public static final byte ENQUEUE = 1;
  public static final byte CONSUME = 2;
  public static final byte CANCEL = 3;
  public static final byte ACK = 4;
  public static final byte NACK = 5;
  public static final byte CREDIT = 6;
  public static final byte PURGE = 7;
  public static final byte STATS = 8;
  public static final byte DELETE = 9;
  /**
   * A get (basic.get): holder tag, ack mode, the requesting node (whose holders end when it
   * leaves the cluster); the reply is {@link #got(Got)}.
   */
  public static final byte GET = 10;
  /** An enqueue retried after QUEUE_UNAVAILABLE: the message may have been handed out (QueueLink#enqueueAgain). */
  public static final byte ENQUEUE_AGAIN = 11;
  // Requests to a node.
  /** Take the lease of a queue and serve it: vhost, name; the reply is the epoch. */
  public static final byte OWN = 20;
  /**
   * Which of these consumers of queues owned by the sender do you still have: count, then
   * (wire tag, queue id, epoch) each; the reply is the count and the wire tags it does not have.
   */
  public static final byte PROBE = 21;
  // Sent by a queue's owner to the node of a consumer: consumer tag, epoch, then the fields.
  public static final byte DELIVER = 30;
  public static final byte CANCELLED = 31;

  /**
   * The failure code of a reply that carries a Junction error; its message is
   * {@code <code>: <reason>} with the code's {@link ErrorCode#wireName()} (docs/errors.md).
   * Codes cross the wire by name, so that adding or reordering codes changes nothing on it;
   * 100 is outside the ordinals that earlier versions sent (0 to 18).
   */
  public static final int JUNCTION_ERROR = 100;

  private Protocol() {
  }

  public static String node(String nodeId) {
    return "junction.node." + nodeId;
  }

  /**
   * Where a node lists its own connections and consumers and closes its connections, for the
   * cluster's lists (JSON, {@code broker/Listings}).
   */
  public static String objects(String nodeId) {
    return "junction.node." + nodeId + ".objects";
  }

  /** Where a broker node serves the sessions of {@code JunctionClient}s (transport/eventbus). */
  public static String clients(String nodeId) {
    return "junction.node." + nodeId + ".clients";
  }

  /** Where a {@code JunctionClient} receives its deliveries. */
  public static String client(String clientId) {
    return "junction.client." + clientId;
  }

  /**
   * The reply to a {@link #GET}: the message count, whether a message was taken, then its
   * fields in the order {@link #DELIVER} sends them.
   */
  public static Buffer got(Got got) {
    Wire w = Wire.reply().i64(got.messageCount()).bool(!got.isEmpty());
    Delivery d = got.delivery();
    if (d != null) {
      w.i64(d.deliveryTag()).bool(d.redelivered()).i32(d.deliveryCount()).str(d.queue()).message(d.message());
    }
    return w.buffer();
  }

  /** Reads a {@link #got(Got)} reply; the delivery is {@code holderTag}'s. */
  public static Got got(Buffer reply, String holderTag) {
    var r = new Wire.Reader(reply);
    long messageCount = r.i64();
    if (!r.bool()) {
      return Got.empty(messageCount);
    }
    return new Got(new Delivery(holderTag, r.i64(), r.bool(), r.i32(), r.str(), r.message()), messageCount);
  }

  /**
   * Fails an event-bus request with the Junction error for {@code error}: this is the edge
   * of the node that carried the request out, so a failure that is not a JunctionException
   * is translated (and logged) here, once.
   */
  public static void fail(Message<?> request, Throwable error) {
    fail(request, error, "event-bus request to " + request.address());
  }

  /** As {@link #fail(Message, Throwable)}; {@code where} names the request in the log. */
  public static void fail(Message<?> request, Throwable error, String where) {
    request.fail(JUNCTION_ERROR, encode(Failures.translate(error, where)));
  }

  /** Fails an event-bus request with {@code code} and {@code reason}. */
  public static void fail(Message<?> request, ErrorCode code, String reason) {
    request.fail(JUNCTION_ERROR, encode(code.error(reason)));
  }

  /** The message of a {@link #JUNCTION_ERROR} reply: {@code queue_full: queue 'q' is full (...)}. */
  public static String encode(JunctionException e) {
    return e.code().wireName() + ": " + e.reason();
  }

  /**
   * The Junction error a {@link #JUNCTION_ERROR} reply carries. A code this version does not
   * know is {@code internal_error}, whose reason is the whole message, code included.
   */
  public static JunctionException decode(String message) {
    String m = message == null ? "" : message;
    int colon = m.indexOf(": ");
    String reason = colon < 0 ? "" : m.substring(colon + 2);
    return ErrorCode.ofWireName(colon < 0 ? m : m.substring(0, colon)).map(code -> code.error(reason))
        .orElseGet(() -> ErrorCode.INTERNAL_ERROR.error(m));
  }

  /**
   * The Junction error for a failed request to {@code node}. A request nobody received
   * (the node is gone) fails QUEUE_UNAVAILABLE: nothing was done, a retry is safe. A request
   * without an answer fails UNAVAILABLE: it may have been carried out.
   */
  public static JunctionException error(Throwable failure, String node) {
    if (failure instanceof ReplyException r) {
      if (r.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return r.failureCode() == JUNCTION_ERROR ? decode(r.getMessage())
            : ErrorCode.INTERNAL_ERROR.error("node " + node + " failed the request with failure code "
                + r.failureCode() + "; its log may have the details");
      }
      if (r.failureType() == ReplyFailure.NO_HANDLERS) {
        return ErrorCode.QUEUE_UNAVAILABLE.error("node " + node + " is not reachable");
      }
      if (r.failureType() == ReplyFailure.TIMEOUT) {
        return ErrorCode.UNAVAILABLE.error("no answer from node " + node + " in time; the operation may have been"
            + " carried out");
      }
    }
    if (failure instanceof JunctionException j) {
      return j;
    }
    return ErrorCode.UNAVAILABLE.error("request to node " + node + " failed: " + failure.getMessage());
  }
}
