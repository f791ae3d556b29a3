package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.ConnectionInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.junctionmq.security.Identity;
import io.junctionmq.security.Tag;
import java.util.Comparator;
import java.util.Map;

/**
 * {@code /api/overview}, and {@code /api/connections} of the whole cluster: listed (a {@code
 * management} user sees its own) and closed ({@code DELETE /api/connections/{name}}, on whichever
 * node it is open; a user who is not an administrator closes only its own).
 */
final class OverviewRoutes {
  /** The version this build reports as RabbitMQ's {@code product_version}. */
  static final String PRODUCT_VERSION = "0.1.0";

  private final Broker broker;
  private final Rates rates;
  private final HttpConsumers consumers;
  private final int httpPort;

  OverviewRoutes(Broker broker, Rates rates, HttpConsumers consumers, int httpPort) {
    this.broker = broker;
    this.rates = rates;
    this.consumers = consumers;
    this.httpPort = httpPort;
  }

  void mount(ApiRouter api) {
    api.get("/overview", this::overview)
        .get("/connections", this::connections)
        .delete("/connections/:name", this::close);
  }

  private void connections(RoutingContext ctx) {
    Identity user = HttpAuth.user(ctx);
    Rest.reply(ctx, broker.listings().connections(), (c, listed) -> Paging.reply(c, listed.items().stream()
            .filter(i -> ClusterLists.seesAll(user) || user.name().equals(i.user()))
            .sorted(Comparator.comparing(ConnectionInfo::id)).toList(),
        ConnectionInfo::name, ManagementJson::connection, Map.of(), ClusterLists.completeness(c, listed)));
  }

  private void close(RoutingContext ctx) {
    Identity user = HttpAuth.user(ctx);
    String reason = ctx.request().getHeader("X-Reason");
    Rest.reply(ctx, broker.listings().close(ctx.pathParam("name"),
        reason != null ? reason : "closed by user '" + user.name() + "' through the management API",
        user.has(Tag.ADMINISTRATOR) ? null : user.name()), (c, v) -> Rest.noContent(c));
  }

  private void overview(RoutingContext ctx) {
    double[] perSecond = new double[4];
    String[] kinds = {"publish", "deliver_get", "ack", "redeliver"};
    var totals = OverviewTotals.of(broker, OverviewTotals.Scope.of(ctx, broker), q -> {
      JsonObject stats = rates.messageStats(q.id(), q.stats());
      for (int i = 0; i < kinds.length; i++) {
        perSecond[i] += stats.getJsonObject(kinds[i] + "_details").getDouble("rate");
      }
    });
    Rest.json(ctx, 200, new JsonObject()
        .put("management_version", "junction-0.1")
        .put("product_name", "Junction")
        .put("product_version", PRODUCT_VERSION)
        .put("node", broker.nodeId())
        .put("cluster_name", broker.nodeId())
        .put("object_totals", totals.objectTotals())
        .put("queue_totals", totals.queueTotals())
        .put("message_stats", totals.messageStats(perSecond))
        .put("listeners", new JsonArray().add(new JsonObject()
            .put("node", broker.nodeId()).put("protocol", "http").put("port", httpPort)))
        .put("http_consumers", consumers.all().size()));
  }
}
