package io.junctionmq.bench;

import io.vertx.core.Future;
import java.util.List;

/**
 * What the benchmark drives: a broker reached in-process or through a transport. Each
 * transport brings its own implementation; the producers, consumers and statistics stay the
 * same. Methods are called on a Vert.x context and their futures complete on it.
 */
public interface BenchTarget {

  /** One line saying what is driven, for the report. */
  String description();

  /**
   * Whether publisher and consumer share this JVM's {@link System#nanoTime()}; otherwise
   * latency is measured with wall-clock microseconds.
   */
  boolean sameJvm();

  /**
   * The fanout exchange a run publishes to, given the name it would declare; a target that
   * cannot declare exchanges answers a pre-declared one ({@code amq.fanout}).
   */
  default String fanoutExchange(String name) {
    return name;
  }

  /** Declares a queue, durable or not; completes when it exists. */
  Future<Void> declareQueue(String name, boolean durable);

  /** Declares a fanout exchange and binds each of {@code queues} to it. */
  Future<Void> declareFanout(String exchange, boolean durable, List<String> queues);

  /**
   * Publishes {@code body}, to the queue named {@code routingKey} when {@code exchange} is
   * empty; completes when the broker confirms it (stored by every queue it reached) and
   * fails when it does not.
   */
  Future<Void> publish(String exchange, String routingKey, byte[] body, boolean persistent);

  /**
   * Subscribes to a queue with {@code prefetch} credit; with {@code autoAck} deliveries are
   * settled by the broker, otherwise the caller acks each through the subscription.
   * Deliveries run {@code handler} on the caller's context.
   */
  Future<Subscription> consume(String queue, int prefetch, boolean autoAck, DeliveryHandler handler);

  /** Deletes a queue with whatever it still holds. */
  Future<Void> deleteQueue(String name);

  Future<Void> deleteExchange(String name);

  /** Releases what the target holds (connections, an in-process broker). */
  Future<Void> close();

  /** Receives one delivery. */
  @FunctionalInterface
  interface DeliveryHandler {
    void handle(byte[] body, long deliveryTag);
  }

  /** One consumer's subscription. */
  interface Subscription {
    /** Acks one delivery (never cumulatively). */
    Future<Void> ack(long deliveryTag);

    Future<Void> cancel();
  }
}
