package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.model.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/nodes}: the live broker nodes of the cluster, as RabbitMQ lists its nodes. */
final class NodeRoutes {
  private final Broker broker;

  NodeRoutes(Broker broker) {
    this.broker = broker;
  }

  void mount(ApiRouter api) {
    api.get("/nodes", ctx -> Paging.reply(ctx, broker.nodes(), n -> n, this::json))
        .get("/nodes/:name", this::show);
  }

  private void show(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!broker.nodes().contains(name)) {
      throw ErrorCode.NOT_FOUND.error("no live node '" + name + "'");
    }
    Rest.json(ctx, 200, json(name));
  }

  private JsonObject json(String name) {
    return new JsonObject()
        .put("name", name)
        .put("running", true)
        .put("role", "broker")
        .put("self", name.equals(broker.nodeId()));
  }
}
