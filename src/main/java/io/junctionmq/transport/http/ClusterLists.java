package io.junctionmq.transport.http;

import io.junctionmq.broker.Listed;
import io.junctionmq.security.Identity;
import io.junctionmq.security.Tag;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * What the lists of the whole cluster's objects ({@code /api/connections}, {@code /api/consumers})
 * share: who sees everything, and how a list that lacks a node's answer says so: the header
 * {@value #MISSING_HEADER} names the nodes, and a page object has {@code partial} and
 * {@code missing_nodes}.
 */
final class ClusterLists {
  static final String MISSING_HEADER = "Junction-Missing-Nodes";

  private ClusterLists() {
  }

  /** As in RabbitMQ: {@code monitoring} and {@code administrator} see every user's objects. */
  static boolean seesAll(Identity user) {
    return user.has(Tag.MONITORING) || user.has(Tag.ADMINISTRATOR);
  }

  /** Sets the header when nodes are missing; the fields a page object adds. */
  static JsonObject completeness(RoutingContext ctx, Listed<?> listed) {
    if (listed.partial()) {
      ctx.response().putHeader(MISSING_HEADER, String.join(",", listed.missing()));
    }
    return new JsonObject().put("partial", listed.partial()).put("missing_nodes", new JsonArray(listed.missing()));
  }
}
