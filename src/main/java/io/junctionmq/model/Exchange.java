package io.junctionmq.model;

import java.util.Map;

/**
 * An exchange as declared. {@code arguments} holds JSON-compatible values (String, Long,
 * Boolean, Double); {@code alternate-exchange} is one of them.
 */
public record Exchange(
    String vhost,
    String name,
    ExchangeType type,
    boolean durable,
    boolean autoDelete,
    boolean internal,
    Map<String, Object> arguments) {

  public static final String DEFAULT = "";
  public static final String ALTERNATE_EXCHANGE = "alternate-exchange";

  public Exchange {
    arguments = Arguments.normalize(arguments);
  }

  public static Exchange of(String vhost, String name, ExchangeType type) {
    return new Exchange(vhost, name, type, true, false, false, Map.of());
  }

  /** The name of the alternate exchange for unroutable messages, or null. */
  public String alternateExchange() {
    Object ae = arguments.get(ALTERNATE_EXCHANGE);
    return ae == null ? null : ae.toString();
  }

  /** Whether {@code other} declares the same exchange with the same attributes. */
  public boolean equivalent(Exchange other) {
    return type == other.type && durable == other.durable && autoDelete == other.autoDelete
        && internal == other.internal && arguments.equals(other.arguments);
  }
}
