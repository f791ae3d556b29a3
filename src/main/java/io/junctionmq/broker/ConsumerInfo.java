package io.junctionmq.broker;

import io.vertx.core.json.JsonObject;

/**
 * A consumer as the broker sees it: its tag, queue, connection (null without one), whether it
 * acks, its prefetch, and the node it is attached from (where its client is).
 */
public record ConsumerInfo(String tag, String vhost, String queue, String connection, boolean ackRequired,
                           int prefetch, String node) {

  /** As another node sends it ({@link Listings}). */
  static ConsumerInfo of(JsonObject o) {
    return new ConsumerInfo(o.getString("tag"), o.getString("vhost"), o.getString("queue"), o.getString("connection"),
        o.getBoolean("ack_required", false), o.getInteger("prefetch", 0), o.getString("node"));
  }

  JsonObject json() {
    return new JsonObject().put("tag", tag).put("vhost", vhost).put("queue", queue).put("connection", connection)
        .put("ack_required", ackRequired).put("prefetch", prefetch).put("node", node);
  }
}
