package io.junctionmq.security;

/**
 * RabbitMQ's vhost limits: the most client connections and queues a vhost may have (null: no
 * limit).
 */
public record VhostLimits(String vhost, Integer maxConnections, Integer maxQueues) {
  public static VhostLimits none(String vhost) {
    return new VhostLimits(vhost, null, null);
  }
}
