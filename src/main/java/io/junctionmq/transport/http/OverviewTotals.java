package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.QueueInfo;
import io.junctionmq.model.QueueStats;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * The counts the overview shows, summed over every queue of every vhost in one pass; each
 * queue is also handed to {@code each} (for its rates). Counters ({@code published} and the
 * rest) are totals since each queue started on its node.
 */
record OverviewTotals(long connections, long exchanges, long queues, long consumers, long ready, long unacked,
                      long published, long delivered, long acknowledged, long redelivered) {

  static OverviewTotals of(Broker broker, Consumer<QueueInfo> each) {
    long exchanges = 0;
    long queues = 0;
    long consumers = 0;
    long ready = 0;
    long unacked = 0;
    long[] counters = new long[4];
    for (String vhost : broker.vhosts()) {
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
    return new OverviewTotals(broker.connections().size(), exchanges, queues, consumers, ready, unacked,
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
