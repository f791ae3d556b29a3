package io.junctionmq.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ExchangeType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadersRouterTest {

  private static boolean matches(Map<String, Object> arguments, Map<String, String> headers) {
    var binding = new Binding("/", "h", Binding.DestinationType.QUEUE, "q", "", arguments);
    var router = ExchangeRouter.of(ExchangeType.HEADERS, List.of(binding));
    return !router.match("ignored", headers).isEmpty();
  }

  @Test
  void headersAllNeedsEveryArgumentPresentAndEqual() {
    var args = Map.<String, Object>of("x-match", "all", "format", "pdf", "type", "report");

    assertEquals(true, matches(args, Map.of("format", "pdf", "type", "report", "extra", "x")));
    assertEquals(false, matches(args, Map.of("format", "pdf")));
    assertEquals(false, matches(args, Map.of("format", "pdf", "type", "log")));
    assertEquals(false, matches(args, Map.of()));
  }

  @Test
  void headersAllIsTheDefaultAndTheMeaningOfAnUnknownMatch() {
    var implicit = Map.<String, Object>of("format", "pdf", "type", "report");
    var unknown = Map.<String, Object>of("x-match", "most", "format", "pdf", "type", "report");

    for (var args : List.of(implicit, unknown)) {
      assertEquals(true, matches(args, Map.of("format", "pdf", "type", "report")));
      assertEquals(false, matches(args, Map.of("format", "pdf")));
    }
  }

  @Test
  void headersAnyNeedsOneArgumentPresentAndEqual() {
    var args = Map.<String, Object>of("x-match", "any", "format", "pdf", "type", "report");

    assertEquals(true, matches(args, Map.of("format", "pdf")));
    assertEquals(true, matches(args, Map.of("format", "zip", "type", "report")));
    assertEquals(false, matches(args, Map.of("format", "zip", "type", "log")));
    assertEquals(false, matches(args, Map.of()));
  }

  @Test
  void aBindingWithoutHeadersMatchesEveryMessageUnderAllAndNoneUnderAny() {
    assertEquals(true, matches(Map.of(), Map.of()));
    assertEquals(true, matches(Map.of("x-match", "all"), Map.of("a", "b")));
    assertEquals(false, matches(Map.of("x-match", "any"), Map.of("a", "b")));
  }

  @Test
  void headersAllAndAnyIgnoreArgumentsStartingWithX() {
    assertEquals(true, matches(Map.of("x-match", "all", "x-tenant", "t1", "a", "1"), Map.of("a", "1")));
    assertEquals(false, matches(Map.of("x-match", "any", "x-tenant", "t1"), Map.of("x-tenant", "t1")));
  }

  @Test
  void headersWithXVariantsCountArgumentsStartingWithX() {
    var all = Map.<String, Object>of("x-match", "all-with-x", "x-tenant", "t1", "a", "1");
    var any = Map.<String, Object>of("x-match", "any-with-x", "x-tenant", "t1", "a", "1");

    assertEquals(false, matches(all, Map.of("a", "1")));
    assertEquals(true, matches(all, Map.of("a", "1", "x-tenant", "t1")));
    assertEquals(true, matches(any, Map.of("x-tenant", "t1")));
    assertEquals(false, matches(any, Map.of("x-tenant", "t2")));
  }

  @Test
  void headersCompareArgumentValuesByTheirStringForm() {
    assertEquals(true, matches(Map.of("n", 42), Map.of("n", "42")));
    assertEquals(true, matches(Map.of("n", 1.5), Map.of("n", "1.5")));
    assertEquals(true, matches(Map.of("ok", true), Map.of("ok", "true")));
    assertEquals(false, matches(Map.of("n", 42), Map.of("n", "42.0")));
    assertEquals(true, matches(Map.of("s", ""), Map.of("s", "")));
    assertEquals(false, matches(Map.of("s", ""), Map.of()));
  }

  @Test
  void headersTreatsNullHeadersAsNone() {
    assertEquals(false, matches(Map.of("a", "1"), null));
    assertEquals(true, matches(Map.of(), null));
  }

  @Test
  void headersYieldsEachDestinationOnce() {
    var router = ExchangeRouter.of(ExchangeType.HEADERS, List.of(
        new Binding("/", "h", Binding.DestinationType.QUEUE, "q2", "", Map.of("a", "1")),
        new Binding("/", "h", Binding.DestinationType.QUEUE, "q1", "", Map.of("b", "2")),
        new Binding("/", "h", Binding.DestinationType.QUEUE, "q2", "", Map.of("b", "2"))));

    assertEquals(List.of("q1", "q2"), router.match("", Map.of("a", "1", "b", "2")).queues());
    assertEquals(List.of("q2"), router.match("", Map.of("a", "1")).queues());
  }
}
