package io.junctionmq.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Binding.DestinationType;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyTest {

  private final Topology topology = new Topology();

  private void exchange(String name, ExchangeType type) {
    topology.putExchange(Exchange.of("/", name, type));
  }

  private void exchange(String name, ExchangeType type, String alternate) {
    topology.putExchange(new Exchange("/", name, type, true, false, false,
        Map.of(Exchange.ALTERNATE_EXCHANGE, alternate)));
  }

  private void queues(String... names) {
    for (String name : names) {
      topology.addQueue(name);
    }
  }

  private static Binding toQueue(String exchange, String queue, String key) {
    return Binding.toQueue("/", exchange, queue, key);
  }

  private static Binding toExchange(String source, String destination, String key) {
    return Binding.toExchange("/", source, destination, key);
  }

  private List<String> route(String exchange, String key) {
    return topology.route(exchange, key, Map.of()).queues();
  }

  @Test
  void defaultExchangeRoutesToTheQueueNamedByTheRoutingKey() {
    queues("orders");

    assertEquals(new Route(List.of("orders"), true), topology.route("", "orders", null));
    assertEquals(new Route(List.of(), true), topology.route("", "invoices", null));
  }

  @Test
  void defaultExchangeBehavesTheSameWhenPutExplicitly() {
    exchange("", ExchangeType.DIRECT);
    queues("orders");

    assertEquals(List.of("orders"), route("", "orders"));
    assertEquals(List.of(), route("", "nothing"));
  }

  @Test
  void anUnknownExchangeIsNotFound() {
    assertEquals(new Route(List.of(), false), topology.route("nope", "k", Map.of()));
  }

  @Test
  void anExchangeWithoutMatchingBindingsIsFoundButRoutesNowhere() {
    exchange("d", ExchangeType.DIRECT);

    assertEquals(new Route(List.of(), true), topology.route("d", "k", Map.of()));
  }

  @Test
  void everyExchangeTypeRoutesThroughTopology() {
    exchange("d", ExchangeType.DIRECT);
    exchange("f", ExchangeType.FANOUT);
    exchange("t", ExchangeType.TOPIC);
    exchange("h", ExchangeType.HEADERS);
    queues("q1", "q2");
    topology.addBinding(toQueue("d", "q1", "k"));
    topology.addBinding(toQueue("f", "q2", ""));
    topology.addBinding(toQueue("t", "q1", "a.*"));
    topology.addBinding(new Binding("/", "h", DestinationType.QUEUE, "q2", "", Map.of("x", "1")));

    assertEquals(List.of("q1"), route("d", "k"));
    assertEquals(List.of("q2"), route("f", "whatever"));
    assertEquals(List.of("q1"), route("t", "a.b"));
    assertEquals(List.of("q2"), topology.route("h", "", Map.of("x", "1")).queues());
    assertEquals(List.of(), topology.route("h", "", Map.of("x", "2")).queues());
  }

  @Test
  void exchangeToExchangeBindingsAreFollowed() {
    exchange("front", ExchangeType.TOPIC);
    exchange("middle", ExchangeType.FANOUT);
    exchange("back", ExchangeType.DIRECT);
    queues("a", "b", "c");
    topology.addBinding(toExchange("front", "middle", "orders.#"));
    topology.addBinding(toQueue("front", "c", "#"));
    topology.addBinding(toExchange("middle", "back", ""));
    topology.addBinding(toQueue("middle", "b", ""));
    topology.addBinding(toQueue("back", "a", "orders.new"));
    topology.addBinding(toQueue("back", "b", "orders.new"));

    assertEquals(List.of("a", "b", "c"), route("front", "orders.new"));
    assertEquals(List.of("b", "c"), route("front", "orders.old"));
    assertEquals(List.of("c"), route("front", "invoices"));
  }

  @Test
  void exchangeCyclesVisitEachExchangeOnce() {
    exchange("x", ExchangeType.FANOUT);
    exchange("y", ExchangeType.FANOUT);
    queues("qx", "qy");
    topology.addBinding(toExchange("x", "y", ""));
    topology.addBinding(toExchange("y", "x", ""));
    topology.addBinding(toExchange("x", "x", ""));
    topology.addBinding(toQueue("x", "qx", ""));
    topology.addBinding(toQueue("y", "qy", ""));

    assertEquals(List.of("qx", "qy"), route("x", ""));
    assertEquals(List.of("qx", "qy"), route("y", ""));
  }

  @Test
  void alternateExchangeReceivesWhatNoBindingMatched() {
    exchange("ae", ExchangeType.FANOUT);
    exchange("d", ExchangeType.DIRECT, "ae");
    queues("known", "unrouted");
    topology.addBinding(toQueue("d", "known", "k"));
    topology.addBinding(toQueue("ae", "unrouted", ""));

    assertEquals(List.of("known"), route("d", "k"));
    assertEquals(List.of("unrouted"), route("d", "other"));
  }

  @Test
  void alternateExchangesChainUntilOneRoutes() {
    exchange("d", ExchangeType.DIRECT, "ae1");
    exchange("ae1", ExchangeType.DIRECT, "ae2");
    exchange("ae2", ExchangeType.FANOUT);
    queues("q1", "q2");
    topology.addBinding(toQueue("ae1", "q1", "special"));
    topology.addBinding(toQueue("ae2", "q2", ""));

    assertEquals(List.of("q1"), route("d", "special"));
    assertEquals(List.of("q2"), route("d", "plain"));
  }

  @Test
  void alternateExchangeCyclesEndWithoutRouting() {
    exchange("x", ExchangeType.DIRECT, "y");
    exchange("y", ExchangeType.DIRECT, "x");
    exchange("self", ExchangeType.DIRECT, "self");

    assertEquals(new Route(List.of(), true), topology.route("x", "k", Map.of()));
    assertEquals(new Route(List.of(), true), topology.route("self", "k", Map.of()));
  }

  @Test
  void aMissingAlternateExchangeRoutesNowhere() {
    exchange("d", ExchangeType.DIRECT, "absent");

    assertEquals(new Route(List.of(), true), topology.route("d", "k", Map.of()));
  }

  @Test
  void theDefaultExchangeAsAlternateRoutesByTheRoutingKey() {
    exchange("d", ExchangeType.DIRECT, "");
    queues("k");

    assertEquals(List.of("k"), route("d", "k"));
    assertEquals(List.of(), route("d", "other"));
  }

  @Test
  void anExchangeReachedByABindingUsesItsOwnAlternate() {
    exchange("front", ExchangeType.FANOUT);
    exchange("back", ExchangeType.DIRECT, "ae");
    exchange("ae", ExchangeType.FANOUT);
    queues("q", "unrouted");
    topology.addBinding(toExchange("front", "back", ""));
    topology.addBinding(toQueue("back", "q", "k"));
    topology.addBinding(toQueue("ae", "unrouted", ""));

    assertEquals(List.of("q"), route("front", "k"));
    assertEquals(List.of("unrouted"), route("front", "other"));
  }

  @Test
  void anAlternateIsNotUsedWhenABindingToAnExchangeMatchedAsInRabbitMq() {
    exchange("front", ExchangeType.FANOUT, "ae");
    exchange("empty", ExchangeType.FANOUT);
    exchange("ae", ExchangeType.FANOUT);
    queues("unrouted");
    topology.addBinding(toExchange("front", "empty", ""));
    topology.addBinding(toQueue("ae", "unrouted", ""));

    assertEquals(List.of(), route("front", "k"));
  }

  @Test
  void queuesAreSortedAndListedOnceAcrossExchanges() {
    exchange("t", ExchangeType.TOPIC);
    exchange("f", ExchangeType.FANOUT);
    queues("c", "a", "b");
    topology.addBinding(toQueue("t", "c", "#"));
    topology.addBinding(toQueue("t", "a", "x"));
    topology.addBinding(toExchange("t", "f", "x"));
    topology.addBinding(toQueue("f", "c", ""));
    topology.addBinding(toQueue("f", "b", ""));

    assertEquals(List.of("a", "b", "c"), route("t", "x"));
  }

  @Test
  void addBindingRefusesAnIdenticalBinding() {
    exchange("d", ExchangeType.DIRECT);
    queues("q");

    assertTrue(topology.addBinding(toQueue("d", "q", "k")));
    assertFalse(topology.addBinding(toQueue("d", "q", "k")));
    assertTrue(topology.addBinding(new Binding("/", "d", DestinationType.QUEUE, "q", "k", Map.of("a", 1))));
    assertEquals(2, topology.bindings().size());
  }

  @Test
  void addBindingRejectsAMissingSourceOrDestinationOrTheDefaultExchange() {
    exchange("d", ExchangeType.DIRECT);
    exchange("", ExchangeType.DIRECT);
    queues("q");

    assertThrows(IllegalArgumentException.class, () -> topology.addBinding(toQueue("nope", "q", "k")));
    assertThrows(IllegalArgumentException.class, () -> topology.addBinding(toQueue("d", "nope", "k")));
    assertThrows(IllegalArgumentException.class, () -> topology.addBinding(toExchange("d", "nope", "k")));
    assertThrows(IllegalArgumentException.class, () -> topology.addBinding(toQueue("", "q", "k")));
    assertThrows(IllegalArgumentException.class, () -> topology.addBinding(toExchange("d", "", "k")));
    assertEquals(List.of(), topology.bindings());
  }

  @Test
  void removeBindingStopsRoutingAndReportsWhetherItExisted() {
    exchange("d", ExchangeType.DIRECT);
    queues("q");
    topology.addBinding(toQueue("d", "q", "k"));

    assertTrue(topology.removeBinding(toQueue("d", "q", "k")));
    assertFalse(topology.removeBinding(toQueue("d", "q", "k")));
    assertFalse(topology.removeBinding(toQueue("nope", "q", "k")));
    assertEquals(List.of(), route("d", "k"));
    assertEquals(List.of(), topology.bindingsTo(DestinationType.QUEUE, "q"));
  }

  @Test
  void removeQueueRemovesEveryBindingToIt() {
    exchange("d", ExchangeType.DIRECT);
    exchange("f", ExchangeType.FANOUT);
    queues("q", "other");
    topology.addBinding(toQueue("d", "q", "a"));
    topology.addBinding(toQueue("d", "q", "b"));
    topology.addBinding(toQueue("f", "q", ""));
    topology.addBinding(toQueue("f", "other", ""));

    topology.removeQueue("q");

    assertFalse(topology.hasQueue("q"));
    assertEquals(List.of(), topology.bindingsTo(DestinationType.QUEUE, "q"));
    assertEquals(List.of(), topology.bindingsFrom("d"));
    assertEquals(List.of(toQueue("f", "other", "")), topology.bindingsFrom("f"));
    assertEquals(List.of("other"), route("f", ""));
    assertEquals(List.of(), route("", "q"));
  }

  @Test
  void removeExchangeRemovesTheBindingsFromItAndToIt() {
    exchange("up", ExchangeType.FANOUT);
    exchange("x", ExchangeType.FANOUT);
    exchange("down", ExchangeType.FANOUT);
    queues("q", "upq");
    topology.addBinding(toExchange("up", "x", ""));
    topology.addBinding(toQueue("up", "upq", ""));
    topology.addBinding(toExchange("x", "down", ""));
    topology.addBinding(toExchange("x", "x", ""));
    topology.addBinding(toQueue("x", "q", ""));

    topology.removeExchange("x");

    assertNull(topology.exchange("x"));
    assertEquals(List.of(toQueue("up", "upq", "")), topology.bindings());
    assertEquals(List.of(), topology.bindingsTo(DestinationType.EXCHANGE, "down"));
    assertEquals(List.of(), topology.bindingsTo(DestinationType.EXCHANGE, "x"));
    assertEquals(List.of(), topology.bindingsTo(DestinationType.QUEUE, "q"));
    assertEquals(new Route(List.of(), false), topology.route("x", "", Map.of()));
    assertEquals(List.of("upq"), route("up", ""));
  }

  @Test
  void putExchangeKeepsTheBindingsAndRoutesByTheNewType() {
    exchange("e", ExchangeType.DIRECT);
    queues("q");
    topology.addBinding(toQueue("e", "q", "a.*"));
    assertEquals(List.of(), route("e", "a.b"));

    exchange("e", ExchangeType.TOPIC);

    assertEquals(ExchangeType.TOPIC, topology.exchange("e").type());
    assertEquals(List.of(toQueue("e", "q", "a.*")), topology.bindingsFrom("e"));
    assertEquals(List.of("q"), route("e", "a.b"));
  }

  @Test
  void readMethodsListWhatWasAdded() {
    exchange("b", ExchangeType.FANOUT);
    exchange("a", ExchangeType.FANOUT);
    queues("q");
    topology.addBinding(toQueue("b", "q", "2"));
    topology.addBinding(toQueue("a", "q", "1"));
    topology.addBinding(toExchange("b", "a", "3"));

    assertEquals(List.of("a", "b"), topology.exchanges().stream().map(Exchange::name).toList());
    assertEquals(ExchangeType.FANOUT, topology.exchange("a").type());
    assertTrue(topology.hasQueue("q"));
    assertEquals(List.of(toQueue("a", "q", "1"), toQueue("b", "q", "2"), toExchange("b", "a", "3")),
        topology.bindings());
    assertEquals(List.of(toQueue("b", "q", "2"), toQueue("a", "q", "1")),
        topology.bindingsTo(DestinationType.QUEUE, "q"));
    assertEquals(List.of(toExchange("b", "a", "3")), topology.bindingsTo(DestinationType.EXCHANGE, "a"));
    assertEquals(List.of(), topology.bindingsFrom("nope"));
  }

  @Test
  void routingDuringMutationsSeesEachExchangeBeforeOrAfterAChange() throws Exception {
    exchange("f", ExchangeType.FANOUT);
    queues("stable", "flapping");
    topology.addBinding(toQueue("f", "stable", ""));
    var flapping = toQueue("f", "flapping", "");
    var before = List.of("stable");
    var after = List.of("flapping", "stable");
    var readers = new Thread[2];
    var failures = new java.util.concurrent.ConcurrentLinkedQueue<List<String>>();
    var done = new java.util.concurrent.atomic.AtomicBoolean();
    for (int i = 0; i < readers.length; i++) {
      readers[i] = new Thread(() -> {
        while (!done.get()) {
          var queues = route("f", "");
          if (!queues.equals(before) && !queues.equals(after)) {
            failures.add(queues);
          }
        }
      });
      readers[i].start();
    }
    for (int i = 0; i < 10_000; i++) {
      topology.addBinding(flapping);
      topology.removeBinding(flapping);
    }
    done.set(true);
    for (Thread reader : readers) {
      reader.join();
    }
    assertEquals(List.of(), List.copyOf(failures));
  }
}
