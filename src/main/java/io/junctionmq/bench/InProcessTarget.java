package io.junctionmq.bench;

import io.junctionmq.Junction;
import io.junctionmq.broker.Broker;
import io.junctionmq.broker.ConsumeOptions;
import io.junctionmq.config.JunctionConfig;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.model.AckMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Junction} started in this JVM, driven through the Java {@link Broker} API. */
final class InProcessTarget implements BenchTarget {
  private static final String VHOST = "/";

  private final Junction junction;
  private final Broker broker;
  private final boolean dedup;
  private final AtomicLong ids = new AtomicLong();

  private InProcessTarget(Junction junction, boolean dedup) {
    this.junction = junction;
    this.broker = junction.broker();
    this.dedup = dedup;
  }

  /**
   * Starts a broker node on {@code vertx}; completes when it serves. With {@code dedup} its
   * queues deduplicate by message id and every message carries a new one.
   */
  static Future<InProcessTarget> start(Vertx vertx, JunctionConfig config, boolean dedup) {
    return Junction.start(vertx, config).map(j -> new InProcessTarget(j, dedup));
  }

  /** The broker's HTTP server, for {@code --scrape /metrics}. */
  String httpUrl() {
    return "http://127.0.0.1:" + junction.httpPort();
  }

  @Override
  public String description() {
    return "in-process broker " + broker.nodeId() + " (Java Broker API)"
        + (dedup ? ", queues with x-message-deduplication" : "");
  }

  @Override
  public boolean sameJvm() {
    return true;
  }

  @Override
  public Future<Void> declareQueue(String name, boolean durable) {
    Map<String, Object> args = dedup ? Map.of("x-message-deduplication", true) : Map.of();
    return broker.declareQueue(new Queue(VHOST, name, durable, false, false, args)).mapEmpty();
  }

  @Override
  public Future<Void> declareFanout(String exchange, boolean durable, List<String> queues) {
    var x = new Exchange(VHOST, exchange, ExchangeType.FANOUT, durable, false, false, Map.of());
    return broker.declareExchange(x).compose(e -> {
      var bound = new ArrayList<Future<Void>>();
      for (String q : queues) {
        bound.add(broker.bind(Binding.toQueue(VHOST, exchange, q, "")));
      }
      return Future.all(bound).mapEmpty();
    });
  }

  @Override
  public Future<Void> publish(String exchange, String routingKey, byte[] body, boolean persistent) {
    var properties = persistent ? MessageProperties.PERSISTENT : MessageProperties.TRANSIENT;
    if (dedup) {
      properties = properties.toBuilder().messageId(Long.toString(ids.incrementAndGet())).build();
    }
    return broker.publish(VHOST, new Message(exchange, routingKey, properties, body), true).mapEmpty();
  }

  @Override
  public Future<Subscription> consume(String queue, int prefetch, boolean autoAck, DeliveryHandler handler) {
    // CLIENT_INDIVIDUAL: each ack settles exactly its own delivery, as a per-message ack should.
    var options = ConsumeOptions.of(prefetch, autoAck ? AckMode.AUTO : AckMode.CLIENT_INDIVIDUAL);
    return broker.consume(VHOST, queue, options, d -> handler.handle(d.message().body(), d.deliveryTag()))
        .map(consumer -> new Subscription() {
          @Override
          public Future<Void> ack(long deliveryTag) {
            return consumer.ack(deliveryTag, false);
          }

          @Override
          public Future<Void> cancel() {
            return consumer.cancel();
          }
        });
  }

  @Override
  public Future<Void> deleteQueue(String name) {
    return broker.deleteQueue(VHOST, name, false, false).mapEmpty();
  }

  @Override
  public Future<Void> deleteExchange(String name) {
    return broker.deleteExchange(VHOST, name, false);
  }

  @Override
  public Future<Void> close() {
    return junction.close();
  }
}
