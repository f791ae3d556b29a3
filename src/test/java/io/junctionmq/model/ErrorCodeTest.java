package io.junctionmq.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
  @Test
  void everyCodeIsFoundByItsWireName() {
    for (ErrorCode code : ErrorCode.values()) {
      assertEquals(Optional.of(code), ErrorCode.ofWireName(code.wireName()));
    }
  }

  @Test
  void aNameThisVersionDoesNotKnowIsNoCode() {
    assertEquals(Optional.empty(), ErrorCode.ofWireName("too_many_requests"));
    assertEquals(Optional.empty(), ErrorCode.ofWireName("QUEUE_FULL"));
    assertEquals(Optional.empty(), ErrorCode.ofWireName("7"));
    assertEquals(Optional.empty(), ErrorCode.ofWireName(null));
  }

  @Test
  void theWireNamesAreExactlyTheCodesDocsErrorsMdListsWithTheirStatus() throws IOException {
    String doc = Files.readString(Path.of(System.getProperty("basedir", "."), "docs", "errors.md"));
    Matcher row = Pattern.compile("(?m)^\\| `([a-z_]+)` \\| (\\d{3}) \\| (yes|no) \\|").matcher(doc);
    Set<String> documented = new LinkedHashSet<>();
    while (row.find()) {
      ErrorCode code = ErrorCode.ofWireName(row.group(1)).orElseThrow(() -> new AssertionError(
          "docs/errors.md lists " + row.group(1) + ", which is no code"));
      documented.add(code.wireName());
      assertEquals(code.httpStatus(), Integer.parseInt(row.group(2)), code.wireName());
      assertEquals(code.retriable(), row.group(3).equals("yes"), code.wireName());
    }
    assertEquals(Arrays.stream(ErrorCode.values()).map(ErrorCode::wireName).collect(Collectors.toSet()), documented);
  }

  @Test
  void theTemplatesWordTheRecurringReasonsAsTheyWereWritten() {
    var exchange = new Exchange("/", "orders", ExchangeType.TOPIC, true, false, false, Map.of());
    var queue = new Queue("/", "work", true, false, false, Map.of("x-max-length", 1L));
    assertReason(ErrorCode.NOT_FOUND, "no vhost 'shop'", ErrorCode.noVhost("shop"));
    assertReason(ErrorCode.NOT_FOUND, "no exchange 'orders' in vhost 'shop'", ErrorCode.noExchange("shop", "orders"));
    assertReason(ErrorCode.NOT_FOUND, "no queue 'work' in vhost 'shop'", ErrorCode.noQueue("shop", "work"));
    assertReason(ErrorCode.NOT_FOUND, "no consumer 'c1' on this queue", ErrorCode.noConsumer("c1", "on this queue"));
    assertReason(ErrorCode.NOT_FOUND, "no subscription 's1'", ErrorCode.noSubscription("s1"));
    assertReason(ErrorCode.NOT_FOUND, "no subscription 's1' in this session",
        ErrorCode.noSubscription("s1", "in this session"));
    assertReason(ErrorCode.RESOURCE_LOCKED, "queue 'work' is exclusive to another connection",
        ErrorCode.exclusiveToAnother("work"));
    assertReason(ErrorCode.PRECONDITION_FAILED, "exchange 'orders' exists with other attributes (type topic, durable"
        + " true, auto-delete false, internal false, arguments {})", ErrorCode.otherAttributes(exchange));
    assertReason(ErrorCode.PRECONDITION_FAILED, "queue 'work' exists with other attributes (durable true, exclusive"
        + " false, auto-delete false, arguments {x-max-length=1})", ErrorCode.otherAttributes(queue));
    assertReason(ErrorCode.ACCESS_REFUSED, "exchange name 'amq.mine' uses the reserved prefix 'amq.'",
        ErrorCode.reservedName("exchange", "amq.mine"));
    assertReason(ErrorCode.QUEUE_FULL, "queue 'work' is full (x-overflow reject-publish)",
        ErrorCode.queueFull("work", "reject-publish"));
    assertReason(ErrorCode.QUEUE_UNAVAILABLE, "queue 'work' moved to another node", ErrorCode.queueMoved("work"));
    assertReason(ErrorCode.QUEUE_UNAVAILABLE, "queue 'work' is closed", ErrorCode.queueUnavailable("work", "is closed"));
    assertReason(ErrorCode.STORE_UNAVAILABLE, "the message store is unavailable", ErrorCode.storeUnavailable());
    assertReason(ErrorCode.INTERNAL_ERROR, "internal error; the broker log has the details", ErrorCode.internal());
  }

  @Test
  void docsErrorsMdListsEveryTemplate() throws IOException {
    String doc = Files.readString(Path.of(System.getProperty("basedir", "."), "docs", "errors.md"));
    List<String> templates = Arrays.stream(ErrorCode.class.getMethods())
        .filter(m -> Modifier.isStatic(m.getModifiers()) && m.getReturnType() == JunctionException.class)
        .map(Method::getName).distinct().toList();
    assertEquals(13, templates.size(), templates.toString());
    for (String template : templates) {
      assertTrue(doc.contains("`" + template + "("), "docs/errors.md lists " + template);
    }
  }

  private static void assertReason(ErrorCode code, String reason, JunctionException e) {
    assertEquals(code, e.code(), e.toString());
    assertEquals(reason, e.reason());
  }

  @Test
  void onlyAQueueThatTookAMessageAndThenMovedSaysItMayHaveHandedItOut() {
    assertTrue(ErrorCode.queueMovedAfterTaking(ErrorCode.queueMoved("q")));
    assertTrue(ErrorCode.queueMovedAfterTaking(new JunctionException(ErrorCode.QUEUE_UNAVAILABLE,
        ErrorCode.queueMoved("q").reason())), "as it comes back from another node");
    assertFalse(ErrorCode.queueMovedAfterTaking(ErrorCode.queueUnavailable("q", "is changing owner")));
    assertFalse(ErrorCode.queueMovedAfterTaking(ErrorCode.storeUnavailable()));
    assertFalse(ErrorCode.queueMovedAfterTaking(new IllegalStateException("moved to another node")));
  }
}
