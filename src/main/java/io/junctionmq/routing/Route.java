package io.junctionmq.routing;

import java.util.List;

/**
 * Where a message goes: the names of the queues it is routed to, sorted and each once;
 * whether the exchange it was published to exists, and whether it is internal (a client may
 * not publish to it, so nothing was routed).
 */
public record Route(List<String> queues, boolean exchangeFound, boolean internal) {

  static final Route NO_EXCHANGE = new Route(List.of(), false);
  static final Route UNROUTED = new Route(List.of(), true);
  static final Route INTERNAL = new Route(List.of(), true, true);

  public Route {
    queues = List.copyOf(queues);
  }

  public Route(List<String> queues, boolean exchangeFound) {
    this(queues, exchangeFound, false);
  }
}
