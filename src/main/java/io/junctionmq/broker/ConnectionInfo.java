package io.junctionmq.broker;

import io.vertx.core.json.JsonObject;

/**
 * A client connection as the broker sees it: its vhost and user (null when it names none, or is
 * the embedding application's), and the node it is open on.
 */
public record ConnectionInfo(String id, String name, String protocol, long connectedAt, int consumers, String vhost,
                             String user, String node) {

  /** As another node sends it ({@link Listings}). */
  static ConnectionInfo of(JsonObject o) {
    return new ConnectionInfo(o.getString("id"), o.getString("name"), o.getString("protocol"),
        o.getLong("connected_at", 0L), o.getInteger("consumers", 0), o.getString("vhost"), o.getString("user"),
        o.getString("node"));
  }

  JsonObject json() {
    return new JsonObject().put("id", id).put("name", name).put("protocol", protocol).put("connected_at", connectedAt)
        .put("consumers", consumers).put("vhost", vhost).put("user", user).put("node", node);
  }
}
