package io.junctionmq.routing;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Binding.DestinationType;
import io.junctionmq.model.Exchange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exchanges, queues and bindings of one vhost, and routing through them.
 *
 * <p>Mutations must be called from one thread at a time. {@link #route} and the read methods
 * may be called from any thread at any time, without locks: each exchange's bindings live in
 * an immutable {@link ExchangeRouter} that a mutation replaces, so a reader sees every exchange
 * either before or after a change, though not the whole vhost at one instant.
 *
 * <p>A publish to an internal exchange routes nowhere and says so; routing still goes through
 * internal exchanges reached by bindings or as alternate exchanges.
 */
public final class Topology {

  private record Target(DestinationType type, String name) {
  }

  private final Map<String, ExchangeEntry> exchanges = new ConcurrentHashMap<>();
  private final Set<String> queues = ConcurrentHashMap.newKeySet();
  private final Map<Target, List<Binding>> bindingsTo = new ConcurrentHashMap<>();

  /** Adds or replaces an exchange; one that existed keeps its bindings, even if its type changes. */
  public void putExchange(Exchange e) {
    ExchangeEntry old = exchanges.get(e.name());
    ExchangeRouter router;
    if (old == null) {
      router = ExchangeRouter.empty(e.type());
    } else if (old.router().type() == e.type()) {
      router = old.router();
    } else {
      router = ExchangeRouter.of(e.type(), old.router().bindings());
    }
    exchanges.put(e.name(), new ExchangeEntry(e, router));
  }

  /** Removes an exchange with the bindings from it and to it. */
  public void removeExchange(String name) {
    removeBindingsTo(new Target(DestinationType.EXCHANGE, name));
    ExchangeEntry removed = exchanges.remove(name);
    if (removed != null) {
      removed.router().bindings().forEach(this::unindex);
    }
  }

  /** The exchange of that name, or null. */
  public Exchange exchange(String name) {
    ExchangeEntry entry = exchanges.get(name);
    return entry == null ? null : entry.exchange();
  }

  /** The exchanges, sorted by name. */
  public Collection<Exchange> exchanges() {
    return exchanges.values().stream().map(ExchangeEntry::exchange)
        .sorted(Comparator.comparing(Exchange::name)).toList();
  }

  public void addQueue(String name) {
    queues.add(name);
  }

  /** Removes a queue with every binding to it. */
  public void removeQueue(String name) {
    removeBindingsTo(new Target(DestinationType.QUEUE, name));
    queues.remove(name);
  }

  public boolean hasQueue(String name) {
    return queues.contains(name);
  }

  /**
   * Adds a binding; returns false if an identical one exists. Throws
   * {@link IllegalArgumentException} if its source or destination does not exist or is the
   * default exchange, which the caller must have checked.
   */
  public boolean addBinding(Binding b) {
    ExchangeEntry source = exchanges.get(b.source());
    boolean destinationExists = b.destinationType() == DestinationType.QUEUE
        ? queues.contains(b.destination()) : exchanges.containsKey(b.destination());
    boolean touchesDefault = b.source().equals(Exchange.DEFAULT)
        || (b.destinationType() == DestinationType.EXCHANGE && b.destination().equals(Exchange.DEFAULT));
    if (source == null || !destinationExists || touchesDefault) {
      throw new IllegalArgumentException("cannot bind " + b.source() + " to "
          + b.destinationType().name().toLowerCase(Locale.ROOT) + " " + b.destination());
    }
    ExchangeRouter next = source.router().add(b);
    if (next == source.router()) {
      return false;
    }
    replace(source, next);
    bindingsTo.merge(target(b), List.of(b), (old, one) -> CopyOnWrite.plus(old, b));
    return true;
  }

  /** Removes a binding; returns false if there was none. */
  public boolean removeBinding(Binding b) {
    ExchangeEntry source = exchanges.get(b.source());
    if (source == null) {
      return false;
    }
    ExchangeRouter next = source.router().remove(b);
    if (next == source.router()) {
      return false;
    }
    replace(source, next);
    unindex(b);
    return true;
  }

  /** Every binding, by source exchange name, each exchange's in the order they were added. */
  public List<Binding> bindings() {
    var all = new ArrayList<Binding>();
    exchanges.values().stream().sorted(Comparator.comparing(e -> e.exchange().name()))
        .forEach(e -> all.addAll(e.router().bindings()));
    return all;
  }

  public List<Binding> bindingsFrom(String exchange) {
    ExchangeEntry entry = exchanges.get(exchange);
    return entry == null ? List.of() : entry.router().bindings();
  }

  public List<Binding> bindingsTo(DestinationType type, String name) {
    return bindingsTo.getOrDefault(new Target(type, name), List.of());
  }

  /**
   * Routes a message published to {@code exchange}, as RabbitMQ does; {@code headers} may be
   * null. The default exchange always exists and routes to the queue named by the routing key.
   * Exchange-to-exchange bindings are followed. Any exchange reached whose own bindings match
   * nothing, not even a binding to another exchange, passes the message to its alternate
   * exchange, which may pass it on in turn. Each exchange is visited at most once, which ends
   * cycles of bindings and of alternates. An internal {@code exchange} routes nowhere
   * ({@link Route#internal()}): clients may not publish to it, though routing goes through
   * internal exchanges reached from another.
   */
  public Route route(String exchange, String routingKey, Map<String, String> headers) {
    if (exchange.equals(Exchange.DEFAULT)) {
      return queues.contains(routingKey) ? new Route(List.of(routingKey), true) : Route.UNROUTED;
    }
    ExchangeEntry entry = exchanges.get(exchange);
    if (entry == null) {
      return Route.NO_EXCHANGE;
    }
    if (entry.exchange().internal()) {
      return Route.INTERNAL;
    }
    Destinations matched = entry.router().match(routingKey, headers);
    if (matched.exchanges().isEmpty() && (!matched.queues().isEmpty() || entry.alternate() == null)) {
      return new Route(matched.queues(), true);
    }
    return new Walk(exchanges, queues, routingKey, headers).from(entry, matched);
  }

  private void removeBindingsTo(Target target) {
    for (Binding b : bindingsTo(target.type, target.name)) {
      ExchangeEntry source = exchanges.get(b.source());
      if (source != null) {
        replace(source, source.router().remove(b));
      }
    }
    bindingsTo.remove(target);
  }

  private void replace(ExchangeEntry entry, ExchangeRouter router) {
    var next = new ExchangeEntry(entry.exchange(), router, entry.alternate());
    exchanges.put(entry.exchange().name(), next);
  }

  private void unindex(Binding b) {
    bindingsTo.computeIfPresent(target(b), (t, old) -> {
      var rest = CopyOnWrite.minus(old, b);
      return rest.isEmpty() ? null : rest;
    });
  }

  private static Target target(Binding b) {
    return new Target(b.destinationType(), b.destination());
  }
}
