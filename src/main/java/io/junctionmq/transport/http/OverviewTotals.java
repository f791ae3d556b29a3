package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.QueueInfo;
import io.junctionmq.model.QueueStats;
import io.junctionmq.security.Identity;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Consumer;

/**
 * The counts the overview shows, summed over every queue of the vhosts a user sees in one
 * pass; each queue is also handed to {@code each} (for its rates). Counters ({@code published}
 * and the rest) are totals since each queue started on its node.
 */
record OverviewTotals(long connections, long exchanges, long queues, long consumers, long ready, long unacked,
                      long published, long delivered, long acknowledged, long redelivered) {

  /**
   * What a user sees: everything for {@code monitoring} and {@code administrator} ({@code
   * scope.all()}), else the queues and exchanges of its vhosts and its own connections, as
   * the lists show them.
   */
  record Scope(String user, List<String> vhosts) {
    static final Scope ALL = new Scope(null, null);

    static Scope of(RoutingContext ctx, Broker broker) {
      Identity user = HttpAuth.user(ctx);
      return ClusterLists.seesAll(user) ? ALL : new Scope(user.name(), HttpAuth.visible(ctx, broker.vhosts()));
    }

    boolean all() {
      return user == null;
    }
  }

  static OverviewTotals of(Broker broker, Scope scope, Consumer<QueueInfo> each) {
    long exchanges = 0;
    long queues = 0;
    long consumers = 0;
    long ready = 0;
    long unacked = 0;
    long[] counters = new long[4];
    for (String vhost : scope.all() ? broker.vhosts() : scope.vhosts()) {
      exchanges += broker.exchanges(vhost).size();
      for (QueueInfo q : broker.queues(vhost)) {
        queues++;
        QueueStats s = q.stats();
        ready += s.messagesReady();
        unacked += s.messagesUnacknowledged();
        consumers += s.consumers();
        counters[0] += s.published();
        counters[1] += s.delivered();
        counters[2] += s.acknowledged();
        counters[3] += s.redelivered();
        each.accept(q);
      }
    }
    long connections = scope.all() ? broker.connections().size()
        : broker.connections().stream().filter(c -> scope.user().equals(c.user())).count();
    return new OverviewTotals(connections, exchanges, queues, consumers, ready, unacked,
        counters[0], counters[1], counters[2], counters[3]);
  }

  JsonObject objectTotals() {
    return new JsonObject()
        .put("connections", connections)
        .put("channels", 0)
        .put("exchanges", exchanges)
        .put("queues", queues)
        .put("consumers", consumers);
  }

  JsonObject queueTotals() {
    return new JsonObject()
        .put("messages", ready + unacked)
        .put("messages_ready", ready)
        .put("messages_unacknowledged", unacked);
  }

  /** RabbitMQ's {@code message_stats}: these counters with the given rates (publish, deliver_get, ack, redeliver). */
  JsonObject messageStats(double[] rates) {
    return Rates.stats(published, rates[0], delivered, rates[1], acknowledged, rates[2], redelivered, rates[3]);
  }
}
