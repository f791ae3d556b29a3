package io.junctionmq.cluster;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.routing.Topology;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One virtual host as this node sees it: its routing topology and every queue in it, on any
 * node. Read from any thread; changed only through {@link QueueDirectory} and on the broker's
 * serial.
 */
public final class Vhost {
  private final String name;
  private final Topology topology = new Topology();
  private final Map<String, QueueEntry> queues = new ConcurrentHashMap<>();

  Vhost(String name) {
    this.name = name;
    for (Exchange e : predeclared(name)) {
      topology.putExchange(e);
    }
  }

  /** The exchanges every vhost has, as in RabbitMQ. */
  public static List<Exchange> predeclared(String vhost) {
    return List.of(
        Exchange.of(vhost, Exchange.DEFAULT, ExchangeType.DIRECT),
        Exchange.of(vhost, "amq.direct", ExchangeType.DIRECT),
        Exchange.of(vhost, "amq.fanout", ExchangeType.FANOUT),
        Exchange.of(vhost, "amq.topic", ExchangeType.TOPIC),
        Exchange.of(vhost, "amq.headers", ExchangeType.HEADERS),
        Exchange.of(vhost, "amq.match", ExchangeType.HEADERS));
  }

  /** Whether an exchange name is the default exchange's or starts with the reserved {@code amq.}. */
  public static boolean reserved(String exchange) {
    return exchange.isEmpty() || exchange.startsWith("amq.");
  }

  public String name() {
    return name;
  }

  public Topology topology() {
    return topology;
  }

  /** The queue of that name, or null. */
  public QueueEntry queue(String queueName) {
    return queues.get(queueName);
  }

  public Collection<QueueEntry> queues() {
    return queues.values();
  }

  /** Whether the destination of a binding exists here. */
  public boolean hasDestination(Binding b) {
    return b.destinationType() == Binding.DestinationType.QUEUE
        ? queues.containsKey(b.destination())
        : topology.exchange(b.destination()) != null;
  }

  QueueEntry put(QueueEntry q) {
    QueueEntry before = queues.put(q.name(), q);
    topology.addQueue(q.name());
    return before;
  }

  /** Removes {@code q} if it is still the queue of its name; says whether it was. */
  boolean remove(QueueEntry q) {
    if (!queues.remove(q.name(), q)) {
      return false;
    }
    topology.removeQueue(q.name());
    return true;
  }
}
