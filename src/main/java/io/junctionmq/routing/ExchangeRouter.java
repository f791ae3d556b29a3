package io.junctionmq.routing;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ExchangeType;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The bindings of one exchange and the matching rule of its type. A router is immutable:
 * {@link #add} and {@link #remove} return a new router, so that any number of threads may
 * call {@link #match} on a router while another thread derives the next one.
 */
public sealed interface ExchangeRouter permits DirectRouter, FanoutRouter, TopicRouter, HeadersRouter {

  /** A router of the given type that holds no bindings. */
  static ExchangeRouter empty(ExchangeType type) {
    return switch (type) {
      case DIRECT -> DirectRouter.EMPTY;
      case FANOUT -> FanoutRouter.EMPTY;
      case TOPIC -> TopicRouter.EMPTY;
      case HEADERS -> HeadersRouter.EMPTY;
    };
  }

  /** A router of the given type that holds the given bindings, ignoring duplicates. */
  static ExchangeRouter of(ExchangeType type, Collection<Binding> bindings) {
    var router = empty(type);
    for (Binding b : bindings) {
      router = router.add(b);
    }
    return router;
  }

  ExchangeType type();

  /**
   * The destinations of the bindings that match a message. The result may be shared between
   * calls and must not be modified; {@code headers} may be null.
   */
  Destinations match(String routingKey, Map<String, String> headers);

  /** The bindings of this exchange, in the order they were added. */
  List<Binding> bindings();

  /** A router that also holds {@code binding}, or this router if it holds an identical one. */
  ExchangeRouter add(Binding binding);

  /** A router without {@code binding}, or this router if it does not hold it. */
  ExchangeRouter remove(Binding binding);
}
