package io.junctionmq.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Binding.DestinationType;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random changes applied to a {@link Topology} and to a plain model of it; afterwards the
 * topology must list the same bindings and route every message as a naive recomputation
 * over the model does.
 */
class TopologyPropertiesTest {

  private static final List<String> EXCHANGES = List.of("x1", "x2", "x3", "x4");
  private static final List<String> QUEUES = List.of("q1", "q2", "q3");

  sealed interface Op {
  }

  record PutExchange(String name, ExchangeType type, String alternate) implements Op {
  }

  record AddQueue(String name) implements Op {
  }

  record Bind(String source, String destination, String key, Map<String, Object> arguments)
      implements Op {
  }

  record Unbind(int index) implements Op {
  }

  record RemoveQueue(String name) implements Op {
  }

  record RemoveExchange(String name) implements Op {
  }

  record Publish(String exchange, String key, Map<String, String> headers) {
  }

  private static Arbitrary<String> keys() {
    return Arbitraries.of("a", "b", "*", "#").list().ofMaxSize(3).map(w -> String.join(".", w));
  }

  private static Arbitrary<Map<String, Object>> arguments() {
    var mode = Arbitraries.of("all", "any", "all-with-x", "any-with-x").injectNull(0.3);
    var k1 = Arbitraries.of("a", "b").injectNull(0.4);
    var xk = Arbitraries.of("a").injectNull(0.6);
    var n = Arbitraries.of(1L, 2L).injectNull(0.6);
    return Combinators.combine(mode, k1, xk, n).as((m, a, x, num) -> {
      var args = new HashMap<String, Object>();
      putIf(args, "x-match", m);
      putIf(args, "k1", a);
      putIf(args, "x-k", x);
      putIf(args, "n", num);
      return args;
    });
  }

  private static <V> void putIf(Map<String, V> map, String key, V value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  private static Arbitrary<String> alternates() {
    return Arbitraries.of("x1", "x2", "x3", "x4", "", "absent").injectNull(0.3);
  }

  /** Every exchange and every queue, so that most of the bindings generated after are valid. */
  private static List<Op> declarations(List<ExchangeType> types, List<String> alternates) {
    var ops = new ArrayList<Op>();
    for (int i = 0; i < EXCHANGES.size(); i++) {
      ops.add(new PutExchange(EXCHANGES.get(i), types.get(i), alternates.get(i)));
    }
    QUEUES.forEach(q -> ops.add(new AddQueue(q)));
    return ops;
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    var exchange = Arbitraries.of(EXCHANGES);
    var put = Combinators.combine(exchange, Arbitraries.of(ExchangeType.class), alternates())
        .as(PutExchange::new);
    var addQueue = Arbitraries.of(QUEUES).map(AddQueue::new);
    var bind = Combinators.combine(exchange, Arbitraries.of("x1", "x2", "x3", "x4", "q1", "q2", "q3"),
        keys(), arguments()).as(Bind::new);
    var unbind = Arbitraries.integers().between(0, 50).map(Unbind::new);
    var removeQueue = Arbitraries.of(QUEUES).map(RemoveQueue::new);
    var removeExchange = exchange.map(RemoveExchange::new);
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        Tuple.of(3, put), Tuple.of(2, addQueue), Tuple.of(8, bind), Tuple.of(2, unbind),
        Tuple.of(1, removeQueue), Tuple.of(1, removeExchange));
    var declare = Combinators.combine(
            Arbitraries.of(ExchangeType.class).list().ofSize(EXCHANGES.size()),
            alternates().list().ofSize(EXCHANGES.size()))
        .as(TopologyPropertiesTest::declarations);
    return Combinators.combine(declare, op.list().ofMaxSize(40))
        .as((first, rest) -> Stream.concat(first.stream(), rest.stream()).toList());
  }

  @Provide
  Arbitrary<List<Publish>> publishes() {
    var headers = Combinators.combine(Arbitraries.of("a", "b").injectNull(0.3),
            Arbitraries.of("a").injectNull(0.5), Arbitraries.of("1", "2").injectNull(0.5))
        .as((k1, xk, n) -> {
          var h = new HashMap<String, String>();
          putIf(h, "k1", k1);
          putIf(h, "x-k", xk);
          putIf(h, "n", n);
          return h;
        });
    var exchange = Arbitraries.of("x1", "x2", "x3", "x4", "", "absent", "q1");
    var key = Arbitraries.of("a", "b", "q1", "q2").list().ofMaxSize(3).map(w -> String.join(".", w));
    return Combinators.combine(exchange, key, headers).as(Publish::new).list().ofMinSize(5).ofMaxSize(25);
  }

  @Property(tries = 250)
  void routingAgreesWithANaiveRecomputation(@ForAll("operations") List<Op> ops,
      @ForAll("publishes") List<Publish> publishes) {
    var topology = new Topology();
    var model = new Model();
    for (Op op : ops) {
      model.apply(op, topology);
    }

    assertEquals(model.bindings.stream().sorted(Comparator.comparing(Binding::source)).toList(),
        topology.bindings());
    for (String x : EXCHANGES) {
      assertEquals(model.bindings.stream().filter(b -> b.source().equals(x)).toList(),
          topology.bindingsFrom(x));
      assertEquals(model.bindings.stream().filter(b -> b.destinationType() == DestinationType.EXCHANGE
          && b.destination().equals(x)).toList(), topology.bindingsTo(DestinationType.EXCHANGE, x));
    }
    for (String q : QUEUES) {
      assertEquals(model.queues.contains(q), topology.hasQueue(q));
      assertEquals(model.bindings.stream().filter(b -> b.destinationType() == DestinationType.QUEUE
          && b.destination().equals(q)).toList(), topology.bindingsTo(DestinationType.QUEUE, q));
    }
    for (Publish p : publishes) {
      assertEquals(model.route(p), topology.route(p.exchange(), p.key(), p.headers()), p::toString);
    }
  }

  /** The topology as plain collections, and routing as a fixed point over them. */
  private static final class Model {
    final Map<String, Exchange> exchanges = new LinkedHashMap<>();
    final Set<String> queues = new HashSet<>();
    final List<Binding> bindings = new ArrayList<>();

    void apply(Op op, Topology topology) {
      if (op instanceof PutExchange p) {
        var args = p.alternate() == null ? Map.<String, Object>of()
            : Map.<String, Object>of(Exchange.ALTERNATE_EXCHANGE, p.alternate());
        var e = new Exchange("/", p.name(), p.type(), true, false, false, args);
        exchanges.put(p.name(), e);
        topology.putExchange(e);
      } else if (op instanceof AddQueue a) {
        queues.add(a.name());
        topology.addQueue(a.name());
      } else if (op instanceof Bind b) {
        bind(b, topology);
      } else if (op instanceof Unbind u) {
        if (!bindings.isEmpty()) {
          var b = bindings.remove(u.index() % bindings.size());
          assertEquals(true, topology.removeBinding(b));
        }
      } else if (op instanceof RemoveQueue r) {
        bindings.removeIf(b -> b.destinationType() == DestinationType.QUEUE
            && b.destination().equals(r.name()));
        queues.remove(r.name());
        topology.removeQueue(r.name());
      } else if (op instanceof RemoveExchange r) {
        bindings.removeIf(b -> b.source().equals(r.name())
            || (b.destinationType() == DestinationType.EXCHANGE && b.destination().equals(r.name())));
        exchanges.remove(r.name());
        topology.removeExchange(r.name());
      }
    }

    private void bind(Bind op, Topology topology) {
      boolean toExchange = op.destination().startsWith("x");
      var b = new Binding("/", op.source(), toExchange ? DestinationType.EXCHANGE : DestinationType.QUEUE,
          op.destination(), op.key(), op.arguments());
      boolean valid = exchanges.containsKey(op.source())
          && (toExchange ? exchanges.containsKey(op.destination()) : queues.contains(op.destination()));
      if (!valid) {
        assertThrows(IllegalArgumentException.class, () -> topology.addBinding(b));
        return;
      }
      boolean added = !bindings.contains(b);
      if (added) {
        bindings.add(b);
      }
      assertEquals(added, topology.addBinding(b));
    }

    Route route(Publish p) {
      if (p.exchange().isEmpty()) {
        return new Route(queues.contains(p.key()) ? List.of(p.key()) : List.of(), true);
      }
      if (!exchanges.containsKey(p.exchange())) {
        return new Route(List.of(), false);
      }
      var reached = new HashSet<>(Set.of(p.exchange()));
      boolean grew = true;
      while (grew) {
        grew = false;
        for (String x : List.copyOf(reached)) {
          Exchange e = exchanges.get(x);
          if (e == null) {
            continue;
          }
          var matched = matched(e, p);
          for (Binding b : matched) {
            if (b.destinationType() == DestinationType.EXCHANGE) {
              grew |= reached.add(b.destination());
            }
          }
          if (matched.isEmpty() && e.alternateExchange() != null) {
            grew |= reached.add(e.alternateExchange());
          }
        }
      }
      var routed = new TreeSet<String>();
      for (String x : reached) {
        if (x.isEmpty() && queues.contains(p.key())) {
          routed.add(p.key());
        } else if (exchanges.containsKey(x)) {
          matched(exchanges.get(x), p).stream()
              .filter(b -> b.destinationType() == DestinationType.QUEUE)
              .forEach(b -> routed.add(b.destination()));
        }
      }
      return new Route(List.copyOf(routed), true);
    }

    private List<Binding> matched(Exchange e, Publish p) {
      return bindings.stream()
          .filter(b -> b.source().equals(e.name()))
          .filter(b -> NaiveRouting.matches(e.type(), b, p.key(), p.headers()))
          .toList();
    }
  }
}
