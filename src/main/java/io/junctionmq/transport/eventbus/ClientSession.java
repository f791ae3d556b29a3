package io.junctionmq.transport.eventbus;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.ClientInfo;
import io.junctionmq.broker.Connection;
import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.broker.Consumer;
import io.junctionmq.cluster.Protocol;
import io.junctionmq.cluster.Wire;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@code JunctionClient}'s session on this node: a broker {@link Connection} (its consumers
 * end and its unacked messages go back when the session closes) and the subscriptions made
 * through it. Translates each request onto the broker, and deliveries onto the client's
 * address. Runs on the endpoint's context.
 */
final class ClientSession {
  private final Broker broker;
  private final EventBus bus;
  private final String id;
  private final String clientId;
  private final String inbox;
  private final long timeoutMs;
  private final Connection connection;
  private final Map<String, Subscription> subscriptions = new HashMap<>();
  private long lastSeen = System.nanoTime();

  ClientSession(Broker broker, EventBus bus, String id, String clientId, long heartbeatMs) {
    this.broker = broker;
    this.bus = bus;
    this.id = id;
    this.clientId = clientId;
    this.inbox = Protocol.client(clientId);
    this.timeoutMs = 3 * Math.max(100, heartbeatMs);
    this.connection = broker.connect(ClientInfo.of("eventbus", clientId, null).with("session", id)
        .with("client", clientId));
  }

  String id() {
    return id;
  }

  String clientId() {
    return clientId;
  }

  /** The broker connection's id (as {@code /api/connections} lists it). */
  String connectionId() {
    return connection.id();
  }

  void touch() {
    lastSeen = System.nanoTime();
  }

  /** Whether the client has been silent for three heartbeats: it is gone, or cut off. */
  boolean expired(long now) {
    return (now - lastSeen) / 1_000_000 > timeoutMs;
  }

  /** Carries out one request (everything after its op and session); completes with the reply body. */
  Future<Buffer> handle(byte op, Wire.Reader r) {
    return switch (op) {
      case ClientProtocol.PING -> Future.succeededFuture();
      case ClientProtocol.DECLARE_EXCHANGE -> broker.declareExchange(ClientProtocol.exchange(r))
          .map(x -> ClientProtocol.exchange(Wire.reply(), x).buffer());
      case ClientProtocol.DELETE_EXCHANGE -> broker.deleteExchange(r.str(), r.str(), r.bool()).mapEmpty();
      case ClientProtocol.DECLARE_QUEUE -> connection.declareQueue(ClientProtocol.queue(r))
          .map(info -> ClientProtocol.queueInfo(Wire.reply(), info).buffer());
      case ClientProtocol.DELETE_QUEUE -> broker.deleteQueue(r.str(), r.str(), r.bool(), r.bool())
          .map(n -> Wire.reply().i64(n).buffer());
      case ClientProtocol.BIND -> broker.bind(ClientProtocol.binding(r)).mapEmpty();
      case ClientProtocol.UNBIND -> broker.unbind(ClientProtocol.binding(r)).mapEmpty();
      case ClientProtocol.PUBLISH -> {
        String vhost = r.str();
        boolean mandatory = r.bool();
        yield connection.publish(vhost, r.message(), mandatory).map(p -> Wire.reply().i32(p.queues()).buffer());
      }
      case ClientProtocol.CONSUME -> consume(r.str(), r.str(), r.str(), r.i32(), AckMode.values()[r.i8()]);
      case ClientProtocol.CANCEL -> cancel(r.str());
      case ClientProtocol.ACK -> subscription(r.str()).consumer.ack(r.i64(), r.bool()).mapEmpty();
      case ClientProtocol.NACK -> subscription(r.str()).consumer.nack(r.i64(), r.bool(), r.bool()).mapEmpty();
      case ClientProtocol.CREDIT -> {
        Subscription s = subscriptions.get(r.str());
        if (s != null) {
          s.credit(r.i32());
        }
        yield Future.succeededFuture();
      }
      default -> Future.failedFuture(ErrorCode.PROTOCOL_ERROR.error("unknown client op " + op));
    };
  }

  /** Ends the session: its consumers are cancelled (unacked messages go back) and its exclusive queues deleted. */
  Future<Void> close(String reason) {
    subscriptions.clear();
    return connection.close(reason);
  }

  /** Ends the session on the node's initiative, and tells the client so that it moves at once. */
  Future<Void> closeAndTell(String reason) {
    bus.send(inbox, Wire.op(ClientProtocol.CLOSED).str(id).buffer());
    return close(reason);
  }

  private Future<Buffer> consume(String subscription, String vhost, String queue, int prefetch, AckMode mode) {
    if (subscriptions.containsKey(subscription)) {
      // A retried CONSUME whose first answer was lost: the subscription is there already.
      return Future.succeededFuture();
    }
    if (prefetch < 1) {
      return Future.failedFuture(ErrorCode.INVALID_ARGUMENT.error("prefetch must be at least 1, got " + prefetch));
    }
    var s = new Subscription(subscription, prefetch, mode);
    subscriptions.put(subscription, s);
    return connection.consume(vhost, queue, ConsumeOptions.of(prefetch, mode), s::deliver)
        .onSuccess(c -> s.attached(c))
        .onFailure(e -> subscriptions.remove(subscription, s))
        .mapEmpty();
  }

  private Future<Buffer> cancel(String subscription) {
    Subscription s = subscriptions.remove(subscription);
    if (s == null || s.consumer == null) {
      return Future.succeededFuture();
    }
    return s.consumer.cancel().mapEmpty();
  }

  private Subscription subscription(String subscription) {
    Subscription s = subscriptions.get(subscription);
    if (s == null || s.consumer == null) {
      throw ErrorCode.noSubscription(subscription, "in this session");
    }
    return s;
  }

  /**
   * A subscription of the client. An auto-ack one is paused while {@code prefetch} deliveries
   * sent to the client have not been handled there (the client returns CREDIT), so that a slow
   * client holds at most twice its prefetch; a client-ack one is bounded by the queue itself.
   */
  private final class Subscription {
    final String id;
    final int prefetch;
    final AckMode mode;
    Consumer consumer;
    int outstanding;
    boolean paused;

    Subscription(String id, int prefetch, AckMode mode) {
      this.id = id;
      this.prefetch = prefetch;
      this.mode = mode;
    }

    void attached(Consumer c) {
      consumer = c;
      c.endHandler(reason -> {
        if (subscriptions.remove(id, this)) {
          bus.send(inbox, Wire.op(ClientProtocol.CANCELLED).str(ClientSession.this.id).str(id).str(reason).buffer());
        }
      });
      if (paused) {
        c.pause();
      }
    }

    void deliver(Delivery d) {
      bus.send(inbox, Wire.op(ClientProtocol.DELIVER).str(ClientSession.this.id).str(id).i64(d.deliveryTag()).bool(d.redelivered())
          .i32(d.deliveryCount()).str(d.queue()).message(d.message()).buffer());
      if (mode == AckMode.AUTO && ++outstanding >= prefetch && !paused) {
        paused = true;
        if (consumer != null) {
          consumer.pause();
        }
      }
    }

    void credit(int n) {
      outstanding = Math.max(0, outstanding - n);
      if (paused && outstanding < prefetch) {
        paused = false;
        if (consumer != null) {
          consumer.resume();
        }
      }
    }
  }
}
