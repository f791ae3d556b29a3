package io.junctionmq.broker;

import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import io.junctionmq.queue.QueueVerticle;
import io.junctionmq.routing.Topology;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One virtual host on this node: its routing topology and the queues it hosts. */
final class Vhost {
  final String name;
  final Topology topology = new Topology();
  final Map<String, HostedQueue> queues = new ConcurrentHashMap<>();

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

  /** A queue this node owns: its declaration, store id, owning connection (exclusive) and verticle. */
  record HostedQueue(long id, Queue queue, String owner, QueueVerticle verticle, String deploymentId) {
  }
}
