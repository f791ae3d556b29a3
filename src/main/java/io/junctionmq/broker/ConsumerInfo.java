package io.junctionmq.broker;

import io.vertx.core.json.JsonObject;

/**
 * A consumer as the broker sees it: its tag, queue, connection (null without one), whether it
 * acks, its prefetch, the node it is attached from (where its client is), and its activity status
 * as RabbitMQ names it: {@code up} on a queue without single active consumer, else {@code
 * single_active} or {@code waiting}.
 */
public record ConsumerInfo(String tag, String vhost, String queue, String connection, boolean ackRequired,
                           int prefetch, String node, String activityStatus) {
  public static final String UP = "up";
  public static final String SINGLE_ACTIVE = "single_active";
  public static final String WAITING = "waiting";

  public ConsumerInfo(String tag, String vhost, String queue, String connection, boolean ackRequired, int prefetch,
                      String node) {
    this(tag, vhost, queue, connection, ackRequired, prefetch, node, UP);
  }

  /** Whether the queue serves it: a waiting consumer gets nothing until the active one goes. */
  public boolean active() {
    return !WAITING.equals(activityStatus);
  }

  ConsumerInfo withStatus(String status) {
    return new ConsumerInfo(tag, vhost, queue, connection, ackRequired, prefetch, node, status);
  }

  /** As another node sends it ({@link Listings}). */
  static ConsumerInfo of(JsonObject o) {
    return new ConsumerInfo(o.getString("tag"), o.getString("vhost"), o.getString("queue"), o.getString("connection"),
        o.getBoolean("ack_required", false), o.getInteger("prefetch", 0), o.getString("node"),
        o.getString("activity_status", UP));
  }

  JsonObject json() {
    return new JsonObject().put("tag", tag).put("vhost", vhost).put("queue", queue).put("connection", connection)
        .put("ack_required", ackRequired).put("prefetch", prefetch).put("node", node)
        .put("activity_status", activityStatus);
  }
}
