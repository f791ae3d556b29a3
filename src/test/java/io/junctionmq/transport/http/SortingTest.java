package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SortingTest {
  record Q(String name, long messages, double rate) {
  }

  static final List<Q> QUEUES = List.of(new Q("a", 5, 0.5), new Q("b", 10, 0), new Q("c", 5, 2.0),
      new Q("d", 0, 1.0));
  static final Map<String, Function<Q, ?>> KEYS = Map.of("messages", Q::messages);

  static JsonObject json(Q q) {
    return new JsonObject().put("name", q.name()).put("messages", q.messages())
        .put("message_stats", new JsonObject().put("publish_details", new JsonObject().put("rate", q.rate())));
  }

  static List<String> names(List<Q> qs) {
    return qs.stream().map(Q::name).toList();
  }

  @Test
  void withoutASortFieldTheListKeepsItsOrderAndReverseReversesIt() {
    assertEquals(List.of("a", "b", "c", "d"), names(Sorting.sort(QUEUES, null, false, KEYS, SortingTest::json)));
    assertEquals(List.of("d", "c", "b", "a"), names(Sorting.sort(QUEUES, "", true, KEYS, SortingTest::json)));
  }

  @Test
  void aKnownFieldSortsNumericallyWithTiesInListOrderWithoutBuildingAnyJson() {
    var built = new AtomicInteger();
    Function<Q, JsonObject> counting = q -> {
      built.incrementAndGet();
      return json(q);
    };
    assertEquals(List.of("d", "a", "c", "b"), names(Sorting.sort(QUEUES, "messages", false, KEYS, counting)));
    assertEquals(List.of("b", "a", "c", "d"), names(Sorting.sort(QUEUES, "messages", true, KEYS, counting)));
    assertEquals(0, built.get());
  }

  @Test
  void aDottedFieldIsReadFromEachItemsJson() {
    assertEquals(List.of("b", "a", "d", "c"),
        names(Sorting.sort(QUEUES, "message_stats.publish_details.rate", false, KEYS, SortingTest::json)));
  }

  @Test
  void itemsWithoutTheFieldComeFirstAndKeepTheirOrder() {
    assertEquals(List.of("a", "b", "c", "d"), names(Sorting.sort(QUEUES, "nothing.here", false, KEYS,
        SortingTest::json)));
    assertEquals(List.of("a", "b", "c", "d"), names(Sorting.sort(QUEUES, "nothing", true, KEYS, SortingTest::json)));
    assertNull(Sorting.dotted(new JsonObject().put("a", 1), "a.b"));
  }

  @Test
  void valuesCompareWithinTheirKindAndKindsInAFixedOrder() {
    assertEquals(-1, Integer.signum(Sorting.compareValues(null, false)));
    assertEquals(-1, Integer.signum(Sorting.compareValues(false, true)));
    assertEquals(-1, Integer.signum(Sorting.compareValues(true, 0)));
    assertEquals(-1, Integer.signum(Sorting.compareValues(2, 10L)));
    assertEquals(-1, Integer.signum(Sorting.compareValues(1.5, 2)));
    assertEquals(-1, Integer.signum(Sorting.compareValues(10, "a")));
    assertEquals(-1, Integer.signum(Sorting.compareValues("q10", "q9")));
    assertEquals(0, Sorting.compareValues(3, 3.0));
  }
}
