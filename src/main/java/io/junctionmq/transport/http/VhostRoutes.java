package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.QueueInfo;
import io.junctionmq.model.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code /api/vhosts}: list, show, create, delete. */
final class VhostRoutes {
  private final Broker broker;

  VhostRoutes(Broker broker) {
    this.broker = broker;
  }

  void mount(ApiRouter api) {
    api.get("/vhosts", this::list)
        .get("/vhosts/:vhost", this::show)
        .put("/vhosts/:vhost", this::create)
        .delete("/vhosts/:vhost", this::delete);
  }

  private void list(RoutingContext ctx) {
    Paging.reply(ctx, HttpAuth.visible(ctx, broker.vhosts()), name -> name, this::json);
  }

  private void show(RoutingContext ctx) {
    String name = Rest.vhost(ctx);
    if (!broker.vhosts().contains(name)) {
      throw ErrorCode.noVhost(name);
    }
    Rest.json(ctx, 200, json(name));
  }

  private void create(RoutingContext ctx) {
    String name = Rest.vhost(ctx);
    Rest.bodyObject(ctx);
    if (name.isBlank() || name.length() > 255) {
      throw ErrorCode.INVALID_ARGUMENT.error("a vhost name must have 1 to 255 characters");
    }
    boolean existed = broker.vhosts().contains(name);
    Rest.reply(ctx, HttpAuth.broker(ctx).declareVhost(name), (c, v) -> c.response().setStatusCode(existed ? 204 : 201).end());
  }

  private void delete(RoutingContext ctx) {
    Rest.reply(ctx, HttpAuth.broker(ctx).deleteVhost(Rest.vhost(ctx)), (c, v) -> Rest.noContent(c));
  }

  private JsonObject json(String vhost) {
    List<QueueInfo> queues = broker.queues(vhost);
    long ready = 0;
    long unacked = 0;
    for (QueueInfo q : queues) {
      ready += q.stats().messagesReady();
      unacked += q.stats().messagesUnacknowledged();
    }
    return new JsonObject()
        .put("name", vhost)
        .put("description", "")
        .put("tags", new io.vertx.core.json.JsonArray())
        .put("tracing", false)
        .put("messages", ready + unacked)
        .put("messages_ready", ready)
        .put("messages_unacknowledged", unacked);
  }
}
