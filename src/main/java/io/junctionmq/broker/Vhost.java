package io.junctionmq.broker;

import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import io.junctionmq.queue.QueueLink;
import io.junctionmq.model.QueueStats;
import io.junctionmq.queue.QueueVerticle;
import io.junctionmq.routing.Topology;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One virtual host as this node sees it: its routing topology and every queue in it, on any node. */
final class Vhost {
  final String name;
  final Topology topology = new Topology();
  final Map<String, QueueEntry> queues = new ConcurrentHashMap<>();

  Vhost(String name) {
    this.name = name;
    for (Exchange e : predeclared(name)) {
      topology.putExchange(e);
    }
  }

  /** The exchanges every vhost has, as in RabbitMQ. */
  static List<Exchange> predeclared(String vhost) {
    return List.of(
        Exchange.of(vhost, Exchange.DEFAULT, ExchangeType.DIRECT),
        Exchange.of(vhost, "amq.direct", ExchangeType.DIRECT),
        Exchange.of(vhost, "amq.fanout", ExchangeType.FANOUT),
        Exchange.of(vhost, "amq.topic", ExchangeType.TOPIC),
        Exchange.of(vhost, "amq.headers", ExchangeType.HEADERS),
        Exchange.of(vhost, "amq.match", ExchangeType.HEADERS));
  }

  static boolean reserved(String exchange) {
    return exchange.isEmpty() || exchange.startsWith("amq.");
  }

  /**
   * A queue as this node knows it: its declaration, store id, the connection it is exclusive
   * to (or null), the node that owns it (null while unknown, during a takeover) with the
   * epoch of its lease, and the link to it. {@code local} and {@code deploymentId} are set
   * when this node owns it.
   */
  record QueueEntry(long id, Queue queue, String exclusiveOwner, String node, long epoch, QueueLink link,
                    QueueVerticle local, String deploymentId) {
    boolean hostedHere() {
      return local != null;
    }

    QueueStats stats() {
      return link.stats();
    }
  }
}
