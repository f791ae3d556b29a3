package io.junctionmq.transport.stomp;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.Connection;
import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.broker.Consumer;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Queue;
import io.junctionmq.model.AckMode;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The subscriptions of one STOMP session: SUBSCRIBE (declaring and binding the queue the
 * destination needs), UNSUBSCRIBE, ACK/NACK by ack id, the session's temp queues, and the
 * pausing of auto-ack subscriptions while the socket is full. Runs on the session's context.
 */
final class Subscriptions {
  /** Where deliveries and broker-side cancellations go. */
  interface Sink {
    void send(StompFrame frame);

    /** A MESSAGE of an auto-ack subscription was written: time to look at the write queue. */
    void autoDelivered();

    void cancelledByBroker(String subscription, String reason);
  }

  private final Broker broker;
  private final Connection connection;
  private final String vhost;
  private final Sink sink;
  private final Map<String, Subscription> byId = new LinkedHashMap<>();
  private final Map<Integer, Subscription> byNumber = new HashMap<>();
  private final Map<String, Future<String>> tempQueues = new HashMap<>();
  private int numbers;
  private boolean autoPaused;

  Subscriptions(Broker broker, Connection connection, String vhost, Sink sink) {
    this.broker = broker;
    this.connection = connection;
    this.vhost = vhost;
    this.sink = sink;
  }

  private static final class Subscription {
    final String id;
    final int number;
    final AckMode mode;
    final String queue;
    final boolean durable;
    Consumer consumer;

    Subscription(String id, int number, AckMode mode, String queue, boolean durable) {
      this.id = id;
      this.number = number;
      this.mode = mode;
      this.queue = queue;
      this.durable = durable;
    }
  }

  /** Handles SUBSCRIBE; completes when the consumer is registered. */
  Future<Void> subscribe(StompFrame f) {
    String destination = f.header("destination");
    StompDestination d = StompDestination.parse(destination);
    String id = f.header("id", destination);
    if (byId.containsKey(id)) {
      throw ErrorCode.PRECONDITION_FAILED.error("subscription id '" + StompDecoder.printable(id) + "' is in use");
    }
    AckMode mode = ackMode(f.header("ack", "auto"));
    int prefetch = integer(f, "prefetch-count", 0);
    var sub = new Subscription(id, ++numbers, mode, null, false);
    Future<Subscription> resolved = resolveQueue(f, d, sub);
    return resolved.compose(s -> {
      byId.put(id, s);
      byNumber.put(s.number, s);
      return connection.consume(vhost, s.queue, ConsumeOptions.of(prefetch, mode), delivery -> deliver(s, delivery))
          .onSuccess(c -> {
            s.consumer = c;
            c.endHandler(reason -> {
              if (byId.remove(s.id) != null) {
                byNumber.remove(s.number);
                sink.cancelledByBroker(s.id, reason);
              }
            });
            if (autoPaused && mode == AckMode.AUTO) {
              c.pause();
            }
          })
          .onFailure(e -> {
            byId.remove(id);
            byNumber.remove(s.number);
          })
          .<Void>mapEmpty();
    });
  }

  private Future<Subscription> resolveQueue(StompFrame f, StompDestination d, Subscription sub) {
    if (d instanceof StompDestination.ToQueue q) {
      var queue = new Queue(vhost, q.queue(), bool(f, "durable", true), bool(f, "exclusive", false),
          bool(f, "auto-delete", false), QueueHeaders.arguments(f));
      return connection.declareQueue(queue).map(i -> withQueue(sub, q.queue(), queue.durable()));
    }
    if (d instanceof StompDestination.ToExistingQueue q) {
      return Future.succeededFuture(withQueue(sub, q.queue(), false));
    }
    if (d instanceof StompDestination.ToTopic t) {
      return bound(f, sub, StompDestination.TOPIC_EXCHANGE, t.routingKey());
    }
    if (d instanceof StompDestination.ToExchange x) {
      return bound(f, sub, x.exchange(), x.routingKey());
    }
    if (d instanceof StompDestination.ToTempQueue t) {
      return tempQueue(t.name(), false).map(q -> withQueue(sub, q, false));
    }
    throw ErrorCode.INVALID_ARGUMENT.error("cannot subscribe to '" + StompDecoder.printable(f.header("destination"))
        + "': /reply-queue/ destinations are only for sending replies");
  }

  /**
   * The queue of a topic or exchange subscription: a durable named one with {@code durable:true}
   * and {@code auto-delete:false} (a durable subscription, as RabbitMQ's), else a private
   * exclusive auto-delete queue that goes with the subscription.
   */
  private Future<Subscription> bound(StompFrame f, Subscription sub, String exchange, String routingKey) {
    boolean durable = bool(f, "durable", bool(f, "persistent", false)) && !bool(f, "auto-delete", true);
    String name = f.header("x-queue-name");
    if (name == null) {
      name = durable ? "stomp-subscription-" + sub.id : "stomp-subscription-" + UUID.randomUUID();
    }
    var queue = durable
        ? new Queue(vhost, name, true, false, false, QueueHeaders.arguments(f))
        : new Queue(vhost, name, false, true, true, QueueHeaders.arguments(f));
    String queueName = name;
    return connection.declareQueue(queue)
        .compose(i -> broker.bind(Binding.toQueue(vhost, exchange, queueName, routingKey)))
        .map(v -> withQueue(sub, queueName, durable));
  }

  private static Subscription withQueue(Subscription s, String queue, boolean durable) {
    return new Subscription(s.id, s.number, s.mode, queue, durable);
  }

  /**
   * The session's temp queue called {@code name}: an exclusive auto-delete queue, made on first
   * use; with {@code autoSubscribe} (a {@code reply-to}), subscribed to as
   * {@code /temp-queue/{name}} with auto-ack. Completes with the queue's name.
   */
  Future<String> tempQueue(String name, boolean autoSubscribe) {
    Future<String> existing = tempQueues.get(name);
    if (existing != null) {
      return existing;
    }
    String queue = "stomp-temp-" + UUID.randomUUID();
    String id = "/temp-queue/" + name;
    Future<String> made = connection.declareQueue(new Queue(vhost, queue, false, true, true, Map.of()))
        .compose(i -> {
          if (!autoSubscribe || byId.containsKey(id)) {
            return Future.succeededFuture(queue);
          }
          var sub = new Subscription(id, ++numbers, AckMode.AUTO, queue, false);
          byId.put(id, sub);
          byNumber.put(sub.number, sub);
          return connection.consume(vhost, queue, ConsumeOptions.of(0, AckMode.AUTO), d -> deliver(sub, d))
              .onSuccess(c -> {
                sub.consumer = c;
                if (autoPaused) {
                  c.pause();
                }
              })
              .map(c -> queue);
        });
    tempQueues.put(name, made);
    made.onFailure(e -> tempQueues.remove(name));
    return made;
  }

  /** Handles UNSUBSCRIBE; with {@code durable:true}, a durable subscription's queue is deleted too. */
  Future<Void> unsubscribe(StompFrame f) {
    String id = f.header("id", f.header("destination"));
    Subscription s = id == null ? null : byId.remove(id);
    if (s == null) {
      throw ErrorCode.NOT_FOUND.error("no subscription '" + StompDecoder.printable(String.valueOf(id)) + "'");
    }
    byNumber.remove(s.number);
    Future<Void> cancelled = s.consumer == null ? Future.succeededFuture() : s.consumer.cancel();
    if (s.durable && bool(f, "durable", bool(f, "persistent", false))) {
      return cancelled.compose(v -> broker.deleteQueue(vhost, s.queue, false, false)).mapEmpty();
    }
    return cancelled;
  }

  /** Handles ACK or NACK (requeued unless {@code requeue:false}); fails UNKNOWN_DELIVERY_TAG for an unknown id. */
  Future<Void> settle(StompFrame f, boolean ack) {
    String ackId = f.header("id", f.header("message-id"));
    Subscription s = null;
    long tag = -1;
    if (ackId != null) {
      int dash = ackId.indexOf('-');
      try {
        s = byNumber.get(Integer.parseInt(ackId.substring(0, Math.max(dash, 0))));
        tag = Long.parseLong(ackId.substring(dash + 1));
      } catch (NumberFormatException e) {
        s = null;
      }
    }
    if (s == null || s.consumer == null) {
      throw ErrorCode.UNKNOWN_DELIVERY_TAG.error((ack ? "ACK" : "NACK") + " of unknown ack id '"
          + StompDecoder.printable(String.valueOf(ackId)) + "'");
    }
    if (s.mode == AckMode.AUTO) {
      throw ErrorCode.PRECONDITION_FAILED.error("subscription '" + StompDecoder.printable(s.id)
          + "' is auto-ack: nothing to " + (ack ? "ACK" : "NACK"));
    }
    boolean multiple = s.mode == AckMode.CLIENT;
    Future<Void> settled = ack ? s.consumer.ack(tag, multiple) : s.consumer.nack(tag, multiple, bool(f, "requeue", true));
    // A delivery of the queue's former owner (it moved since) settles nothing, and its message
    // comes again from the new owner, flagged redelivered: nothing the client could fix, so
    // the session goes on, and a RECEIPT says the frame was handled.
    return settled.recover(e -> e instanceof JunctionException j && j.code() == ErrorCode.QUEUE_UNAVAILABLE
        ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** Holds (true) or lets go (false) the deliveries of every auto-ack subscription. */
  void pauseAuto(boolean pause) {
    autoPaused = pause;
    for (Subscription s : byId.values()) {
      if (s.mode == AckMode.AUTO && s.consumer != null) {
        if (pause) {
          s.consumer.pause();
        } else {
          s.consumer.resume();
        }
      }
    }
  }

  private void deliver(Subscription s, Delivery d) {
    if (byNumber.get(s.number) != s) {
      return;
    }
    sink.send(StompMessages.frame(d, s.id, s.number + "-" + d.deliveryTag(), s.mode != AckMode.AUTO));
    if (s.mode == AckMode.AUTO) {
      sink.autoDelivered();
    }
  }

  static AckMode ackMode(String v) {
    return switch (v) {
      case "auto" -> AckMode.AUTO;
      case "client" -> AckMode.CLIENT;
      case "client-individual" -> AckMode.CLIENT_INDIVIDUAL;
      default -> throw ErrorCode.INVALID_ARGUMENT.error("ack must be auto, client or client-individual, got '"
          + StompDecoder.printable(v) + "'");
    };
  }

  static boolean bool(StompFrame f, String name, boolean dflt) {
    String v = f.header(name);
    if (v == null) {
      return dflt;
    }
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw ErrorCode.INVALID_ARGUMENT.error("header '" + name + "' must be true or false, got '"
        + StompDecoder.printable(v) + "'");
  }

  static int integer(StompFrame f, String name, int dflt) {
    String v = f.header(name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ErrorCode.INVALID_ARGUMENT.error("header '" + name + "' must be a non-negative integer, got '"
        + StompDecoder.printable(v) + "'");
  }
}
