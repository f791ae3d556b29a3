package io.junctionmq.security;

/** RabbitMQ's user limits: the most client connections a user may have open at once (null: no limit). */
public record UserLimits(String user, Integer maxConnections) {
  public static UserLimits none(String user) {
    return new UserLimits(user, null);
  }
}
