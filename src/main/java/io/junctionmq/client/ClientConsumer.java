package io.junctionmq.client;

import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Message;
import io.junctionmq.model.AckMode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.ArrayDeque;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link JunctionClient}'s subscription on one queue. It outlives the broker node that
 * serves it: when the client moves to another node, the subscription is made again there, and
 * what was delivered but not acked comes again flagged {@code redelivered}. Delivery tags are
 * the client's own, increasing across such moves, so an ack never settles the wrong message;
 * an ack of a delivery made before a move succeeds without effect (its message comes again).
 * Every method may be called from any thread; handlers run on the client's context.
 */
public final class ClientConsumer {
  private static final Logger log = LoggerFactory.getLogger(ClientConsumer.class);

  private final JunctionClient client;
  private final String tag;
  private final String vhost;
  private final String queue;
  private final int prefetch;
  private final AckMode mode;
  private final Handler<Delivery> handler;
  /** Client delivery tag → the broker's delivery tag in the current session, while unacked. */
  private final NavigableMap<Long, Long> unacked = new TreeMap<>();
  /** Deliveries that came before the subscription was confirmed to the application. */
  private final ArrayDeque<Delivery> early = new ArrayDeque<>();
  private Handler<String> endHandler;
  private JunctionClient.Session session;
  private boolean started;
  private long nextTag;
  private long firstTagOfSession = 1;
  private int owed;
  private boolean ended;

  ClientConsumer(JunctionClient client, String tag, String vhost, String queue, int prefetch, AckMode mode,
                 Handler<Delivery> handler) {
    this.client = client;
    this.tag = tag;
    this.vhost = vhost;
    this.queue = queue;
    this.prefetch = prefetch;
    this.mode = mode;
    this.handler = handler;
  }

  /** The consumer tag: {@link Delivery#consumerTag()} of every delivery. */
  public String tag() {
    return tag;
  }

  public String queue() {
    return queue;
  }

  /**
   * Settles a delivery (with {@code multiple}, or on a CLIENT consumer, every earlier one too);
   * completes when the broker has it. Fails UNKNOWN_DELIVERY_TAG for a tag this consumer does not
   * hold, PRECONDITION_FAILED on an AUTO consumer, UNAVAILABLE if its node went away meanwhile.
   */
  public Future<Void> ack(long deliveryTag, boolean multiple) {
    return client.onContext(() -> settle(deliveryTag, multiple, null));
  }

  /** Rejects deliveries, requeued at their place or removed (dead-lettered); fails as {@link #ack}. */
  public Future<Void> nack(long deliveryTag, boolean multiple, boolean requeue) {
    return client.onContext(() -> settle(deliveryTag, multiple, requeue));
  }

  /** Ends the subscription; unacked messages go back to the queue. Completes when the broker has it. */
  public Future<Void> cancel() {
    return client.onContext(() -> {
      if (ended) {
        return Future.succeededFuture();
      }
      ended = true;
      return client.cancel(this, session);
    });
  }

  /** Called once, on the client's context, when the broker ends the subscription (its queue was deleted). */
  public ClientConsumer endHandler(Handler<String> handler) {
    this.endHandler = handler;
    return this;
  }

  private Future<Void> settle(long deliveryTag, boolean multiple, Boolean requeue) {
    String verb = requeue == null ? "ack" : "nack";
    if (mode == AckMode.AUTO) {
      return Future.failedFuture(ErrorCode.PRECONDITION_FAILED.error("consumer " + tag + " is auto-ack: nothing to "
          + verb));
    }
    if (deliveryTag < firstTagOfSession && deliveryTag > 0) {
      // Delivered through a session that is gone: its message comes again, redelivered.
      return Future.succeededFuture();
    }
    Long brokerTag;
    if (multiple || mode == AckMode.CLIENT) {
      var settled = unacked.headMap(deliveryTag, true);
      brokerTag = settled.isEmpty() || !settled.lastKey().equals(deliveryTag) && !multiple ? null
          : settled.lastEntry().getValue();
      if (brokerTag != null) {
        settled.clear();
      }
    } else {
      brokerTag = unacked.remove(deliveryTag);
    }
    if (brokerTag == null || ended) {
      return Future.failedFuture(ErrorCode.UNKNOWN_DELIVERY_TAG.error(verb + " of unknown delivery tag " + deliveryTag
          + " on consumer " + tag));
    }
    return client.settle(session, tag, brokerTag, multiple, requeue);
  }

  // ---- from the client, on its context ----

  JunctionClient.Session session() {
    return session;
  }

  String vhost() {
    return vhost;
  }

  int prefetch() {
    return prefetch;
  }

  AckMode mode() {
    return mode;
  }

  boolean ended() {
    return ended;
  }

  /** Deliveries from now on come through {@code s}; what the earlier session delivered is moot. */
  void attach(JunctionClient.Session s) {
    session = s;
    unacked.clear();
    early.clear();
    owed = 0;
    firstTagOfSession = nextTag + 1;
  }

  void deliver(long brokerTag, boolean redelivered, int count, String queueName, Message message) {
    if (ended) {
      return;
    }
    long clientTag = ++nextTag;
    if (mode != AckMode.AUTO) {
      unacked.put(clientTag, brokerTag);
    }
    var delivery = new Delivery(tag, clientTag, redelivered, count, queueName, message);
    if (started) {
      handle(delivery);
    } else {
      early.add(delivery);
    }
  }

  /**
   * The application has the consumer (its {@code consume} future completed): deliveries that
   * came before go to the handler now, so that it can always ack through the consumer.
   */
  void start() {
    started = true;
    while (!early.isEmpty() && !ended) {
      handle(early.poll());
    }
  }

  private void handle(Delivery delivery) {
    try {
      handler.handle(delivery);
    } catch (RuntimeException e) {
      log.error("consumer {} on queue {}: handler failed", tag, queue, e);
    }
    if (mode == AckMode.AUTO && ++owed >= Math.max(1, prefetch / 2)) {
      client.credit(session, tag, owed);
      owed = 0;
    }
  }

  /** The broker ended the subscription (its queue was deleted), or it could not be made again. */
  void ended(String reason) {
    if (ended) {
      return;
    }
    ended = true;
    if (endHandler != null) {
      endHandler.handle(reason);
    }
  }
}
