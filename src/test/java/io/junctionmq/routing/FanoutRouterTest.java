package io.junctionmq.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ExchangeType;
import java.util.List;
import org.junit.jupiter.api.Test;

class FanoutRouterTest {

  private static Binding bind(String queue, String key) {
    return Binding.toQueue("/", "f", queue, key);
  }

  @Test
  void fanoutMatchesEveryBindingWhateverTheRoutingKey() {
    var router = ExchangeRouter.of(ExchangeType.FANOUT,
        List.of(bind("q2", "x"), bind("q1", ""), Binding.toExchange("/", "f", "e", "y")));

    var expected = new Destinations(List.of("q1", "q2"), List.of("e"));
    assertEquals(expected, router.match("", null));
    assertEquals(expected, router.match("anything.at.all", null));
  }

  @Test
  void fanoutYieldsAQueueOnceAndKeepsItWhileOneBindingRemains() {
    var router = ExchangeRouter.of(ExchangeType.FANOUT, List.of(bind("q1", "a"), bind("q1", "b")));

    assertEquals(List.of("q1"), router.match("", null).queues());
    assertEquals(List.of("q1"), router.remove(bind("q1", "a")).match("", null).queues());
    assertEquals(Destinations.NONE, router.remove(bind("q1", "a")).remove(bind("q1", "b")).match("", null));
  }

  @Test
  void fanoutReturnsTheSameDestinationsForEveryMessage() {
    var router = ExchangeRouter.of(ExchangeType.FANOUT, List.of(bind("q1", "")));

    assertSame(router.match("a", null), router.match("b", null));
  }
}
