package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.QueueMove;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/nodes}: the live broker nodes of the cluster, as RabbitMQ lists its nodes; and
 * {@code POST /api/rebalance} (administrators), which moves queues to the least loaded nodes.
 */
final class NodeRoutes {
  private final Broker broker;

  NodeRoutes(Broker broker) {
    this.broker = broker;
  }

  void mount(ApiRouter api) {
    api.get("/nodes", ctx -> Paging.reply(ctx, broker.nodes(), n -> n, this::json))
        .get("/nodes/:name", this::show)
        .on(HttpMethod.POST, "/rebalance", HttpAuth.Need.ADMINISTRATOR, this::rebalance);
  }

  /** 202: the moves start on their nodes; the answer is the plan as this node sees it. */
  private void rebalance(RoutingContext ctx) {
    var moves = new JsonArray();
    for (QueueMove m : HttpAuth.broker(ctx).rebalance()) {
      moves.add(new JsonObject().put("vhost", m.vhost()).put("queue", m.queue()).put("from", m.from())
          .put("to", m.to()));
    }
    Rest.json(ctx, 202, new JsonObject().put("moves", moves).put("count", moves.size()));
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
