package io.junctionmq.model;

import java.util.Map;

/**
 * A binding from a source exchange to a destination queue or exchange. For a headers exchange
 * {@code arguments} holds the headers to match and {@code x-match}.
 */
public record Binding(
    String vhost,
    String source,
    DestinationType destinationType,
    String destination,
    String routingKey,
    Map<String, Object> arguments) {

  public enum DestinationType { QUEUE, EXCHANGE }

  public Binding {
    routingKey = routingKey == null ? "" : routingKey;
    arguments = Arguments.normalize(arguments);
  }

  public static Binding toQueue(String vhost, String exchange, String queue, String routingKey) {
    return new Binding(vhost, exchange, DestinationType.QUEUE, queue, routingKey, Map.of());
  }

  public static Binding toExchange(String vhost, String source, String destination, String routingKey) {
    return new Binding(vhost, source, DestinationType.EXCHANGE, destination, routingKey, Map.of());
  }
}
