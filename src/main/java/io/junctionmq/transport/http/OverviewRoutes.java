package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.ConnectionInfo;
import io.junctionmq.broker.QueueInfo;
import io.junctionmq.queue.QueueStats;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;

/** {@code /api/overview} and {@code /api/connections}. */
final class OverviewRoutes {
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
        .get("/connections", ctx -> Paging.reply(ctx,
            broker.connections().stream().sorted(Comparator.comparing(ConnectionInfo::id)).toList(),
            ConnectionInfo::name, c -> ManagementJson.connection(c, broker.nodeId())));
  }

  private void overview(RoutingContext ctx) {
    long queues = 0;
    long exchanges = 0;
    long ready = 0;
    long unacked = 0;
    long consumerCount = 0;
    long[] totals = new long[4];
    double[] perSecond = new double[4];
    String[] kinds = {"publish", "deliver_get", "ack", "redeliver"};
    for (String vhost : broker.vhosts()) {
      exchanges += broker.exchanges(vhost).size();
      for (QueueInfo q : broker.queues(vhost)) {
        queues++;
        QueueStats s = q.stats();
        ready += s.messagesReady();
        unacked += s.messagesUnacknowledged();
        consumerCount += s.consumers();
        JsonObject stats = rates.messageStats(q.id(), s);
        for (int i = 0; i < kinds.length; i++) {
          totals[i] += stats.getLong(kinds[i]);
          perSecond[i] += stats.getJsonObject(kinds[i] + "_details").getDouble("rate");
        }
      }
    }
    Rest.json(ctx, 200, new JsonObject()
        .put("management_version", "junction-0.1")
        .put("product_name", "Junction")
        .put("product_version", "0.1.0")
        .put("node", broker.nodeId())
        .put("cluster_name", broker.nodeId())
        .put("object_totals", new JsonObject()
            .put("connections", broker.connections().size())
            .put("channels", 0)
            .put("exchanges", exchanges)
            .put("queues", queues)
            .put("consumers", consumerCount))
        .put("queue_totals", new JsonObject()
            .put("messages", ready + unacked)
            .put("messages_ready", ready)
            .put("messages_unacknowledged", unacked))
        .put("message_stats", Rates.stats(totals[0], perSecond[0], totals[1], perSecond[1], totals[2], perSecond[2],
            totals[3], perSecond[3]))
        .put("listeners", new JsonArray().add(new JsonObject()
            .put("node", broker.nodeId()).put("protocol", "http").put("port", httpPort)))
        .put("http_consumers", consumers.all().size()));
  }
}
