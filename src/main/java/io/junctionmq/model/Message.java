package io.junctionmq.model;

/**
 * A message as published: where it was sent, its properties and its body. The body is never
 * copied or mutated by the broker once published.
 */
public record Message(String exchange, String routingKey, MessageProperties properties, byte[] body) {

  public Message {
    exchange = exchange == null ? "" : exchange;
    routingKey = routingKey == null ? "" : routingKey;
    properties = properties == null ? MessageProperties.TRANSIENT : properties;
    body = body == null ? new byte[0] : body;
  }

  public boolean persistent() {
    return properties.persistent();
  }

  /** An estimate of the heap this message holds, for memory accounting. */
  public int weight() {
    return body.length + 128 + routingKey.length() + exchange.length();
  }
}
