package io.junctionmq.model;

import java.util.Map;

/**
 * A queue as declared. {@code arguments} holds the {@code x-*} arguments with JSON-compatible
 * values; {@link QueueArguments} reads them.
 */
public record Queue(
    String vhost,
    String name,
    boolean durable,
    boolean exclusive,
    boolean autoDelete,
    Map<String, Object> arguments) {

  public Queue {
    arguments = Arguments.normalize(arguments);
  }

  public static Queue durable(String vhost, String name) {
    return new Queue(vhost, name, true, false, false, Map.of());
  }

  public static Queue transientQueue(String vhost, String name) {
    return new Queue(vhost, name, false, false, false, Map.of());
  }

  /** Whether {@code other} declares the same queue with the same attributes. */
  public boolean equivalent(Queue other) {
    return durable == other.durable && exclusive == other.exclusive
        && autoDelete == other.autoDelete && arguments.equals(other.arguments);
  }
}
