package io.junctionmq.routing;

import java.util.List;

/**
 * Where a message goes: the names of the queues it is routed to, sorted and each once, and
 * whether the exchange it was published to exists.
 */
public record Route(List<String> queues, boolean exchangeFound) {

  static final Route NO_EXCHANGE = new Route(List.of(), false);
  static final Route UNROUTED = new Route(List.of(), true);

  public Route {
    queues = List.copyOf(queues);
  }
}
