package io.junctionmq.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ExchangeType;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class TopicMatchingPropertiesTest {

  @Provide
  Arbitrary<String> patterns() {
    return Arbitraries.of("a", "b", "", "*", "#").list().ofMaxSize(6).map(w -> String.join(".", w));
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.of("a", "b", "c", "", "*").list().ofMaxSize(7).map(w -> String.join(".", w));
  }

  @Property(tries = 500)
  void trieAgreesWithTheNaiveMatcherForOnePattern(@ForAll("patterns") String pattern,
      @ForAll("keys") String key) {
    var router = ExchangeRouter.of(ExchangeType.TOPIC, List.of(Binding.toQueue("/", "t", "q", pattern)));

    assertEquals(NaiveRouting.topicMatches(pattern, key), !router.match(key, null).isEmpty(),
        () -> "pattern '" + pattern + "', key '" + key + "'");
  }

  @Property(tries = 300)
  void trieAgreesWithTheNaiveMatcherForManyPatternsBeforeAndAfterRemovals(
      @ForAll @Size(max = 12) List<@From("patterns") String> patterns,
      @ForAll @Size(min = 1, max = 8) List<@From("keys") String> keys) {
    var bindings = new ArrayList<Binding>();
    for (int i = 0; i < patterns.size(); i++) {
      // Two queues only, so that several patterns share a destination.
      var b = Binding.toQueue("/", "t", "q" + (i % 2), patterns.get(i));
      if (!bindings.contains(b)) {
        bindings.add(b);
      }
    }
    var router = ExchangeRouter.of(ExchangeType.TOPIC, bindings);
    assertAgrees(router, bindings, keys);

    var kept = new ArrayList<Binding>();
    for (int i = 0; i < bindings.size(); i++) {
      if (i % 3 == 0) {
        router = router.remove(bindings.get(i));
      } else {
        kept.add(bindings.get(i));
      }
    }
    assertAgrees(router, kept, keys);
  }

  private static void assertAgrees(ExchangeRouter router, List<Binding> bindings, List<String> keys) {
    for (String key : keys) {
      var expected = bindings.stream()
          .filter(b -> NaiveRouting.topicMatches(b.routingKey(), key))
          .map(Binding::destination).distinct().sorted().toList();
      assertEquals(expected, router.match(key, null).queues(), () -> "key '" + key + "' on " + bindings);
    }
  }
}
