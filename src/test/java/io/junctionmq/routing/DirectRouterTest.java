package io.junctionmq.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ExchangeType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DirectRouterTest {

  private static Binding bind(String queue, String key) {
    return Binding.toQueue("/", "d", queue, key);
  }

  private static ExchangeRouter router(Binding... bindings) {
    return ExchangeRouter.of(ExchangeType.DIRECT, List.of(bindings));
  }

  @Test
  void directMatchesOnlyTheExactRoutingKey() {
    var router = router(bind("q1", "red"), bind("q2", "green"), bind("q3", "red"));

    assertEquals(List.of("q1", "q3"), router.match("red", null).queues());
    assertEquals(List.of("q2"), router.match("green", Map.of()).queues());
    assertEquals(Destinations.NONE, router.match("Red", null));
    assertEquals(Destinations.NONE, router.match("", null));
  }

  @Test
  void directYieldsAQueueOnceWhenTwoBindingsToItDifferOnlyInArguments() {
    var plain = bind("q1", "k");
    var withArgs = new Binding("/", "d", Binding.DestinationType.QUEUE, "q1", "k", Map.of("a", 1));
    var router = router(plain, withArgs);

    assertEquals(List.of("q1"), router.match("k", null).queues());
    assertEquals(List.of("q1"), router.remove(plain).match("k", null).queues());
    assertEquals(List.of(), router.remove(plain).remove(withArgs).match("k", null).queues());
  }

  @Test
  void directSeparatesQueueAndExchangeDestinations() {
    var router = router(bind("q1", "k"), Binding.toExchange("/", "d", "other", "k"));

    assertEquals(new Destinations(List.of("q1"), List.of("other")), router.match("k", null));
  }

  @Test
  void addingAnIdenticalBindingReturnsTheSameRouter() {
    var router = router(bind("q1", "k"));

    assertSame(router, router.add(bind("q1", "k")));
    assertSame(router, router.remove(bind("q2", "k")));
  }

  @Test
  void aRouterIsUnchangedByTheRoutersDerivedFromIt() {
    var before = router(bind("q1", "k"));
    var after = before.add(bind("q2", "k")).remove(bind("q1", "k"));

    assertEquals(List.of("q1"), before.match("k", null).queues());
    assertEquals(List.of(bind("q1", "k")), before.bindings());
    assertEquals(List.of("q2"), after.match("k", null).queues());
  }

  @Test
  void bindingsAreListedInTheOrderTheyWereAdded() {
    var router = router(bind("q2", "b"), bind("q1", "a"), bind("q3", "b"));

    assertEquals(List.of(bind("q2", "b"), bind("q1", "a"), bind("q3", "b")), router.bindings());
    assertEquals(List.of(bind("q2", "b"), bind("q3", "b")), router.remove(bind("q1", "a")).bindings());
  }
}
