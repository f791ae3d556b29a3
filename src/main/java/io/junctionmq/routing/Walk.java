package io.junctionmq.routing;

import io.junctionmq.model.Exchange;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The part of routing that leaves the first exchange, through bindings to other exchanges or
 * through alternate exchanges, as in RabbitMQ's {@code rabbit_exchange:route/2}.
 */
final class Walk {
  private final Map<String, ExchangeEntry> exchanges;
  private final Set<String> queues;
  private final String routingKey;
  private final Map<String, String> headers;
  private final Set<String> seen = new HashSet<>();
  private final ArrayDeque<ExchangeEntry> pending = new ArrayDeque<>();
  private final TreeSet<String> reached = new TreeSet<>();

  Walk(Map<String, ExchangeEntry> exchanges, Set<String> queues, String routingKey,
      Map<String, String> headers) {
    this.exchanges = exchanges;
    this.queues = queues;
    this.routingKey = routingKey;
    this.headers = headers;
  }

  /** The route from {@code first}, whose bindings have already matched {@code matched}. */
  Route from(ExchangeEntry first, Destinations matched) {
    seen.add(first.exchange().name());
    visit(first, matched);
    while (!pending.isEmpty()) {
      ExchangeEntry next = pending.pop();
      visit(next, next.router().match(routingKey, headers));
    }
    return new Route(List.copyOf(reached), true);
  }

  private void visit(ExchangeEntry entry, Destinations matched) {
    reached.addAll(matched.queues());
    matched.exchanges().forEach(this::enter);
    if (matched.isEmpty() && entry.alternate() != null) {
      enter(entry.alternate());
    }
  }

  private void enter(String exchange) {
    if (!seen.add(exchange)) {
      return;
    }
    if (exchange.equals(Exchange.DEFAULT)) {
      if (queues.contains(routingKey)) {
        reached.add(routingKey);
      }
      return;
    }
    ExchangeEntry entry = exchanges.get(exchange);
    if (entry != null) {
      pending.push(entry);
    }
  }
}
