package io.junctionmq.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueArgumentsDeduplicationTest {

  private static String refusal(Map<String, Object> args) {
    return assertThrows(IllegalArgumentException.class, () -> QueueArguments.parse(args)).getMessage();
  }

  @Test
  void withoutTheFlagAQueueDeduplicatesNothing() {
    assertNull(QueueArguments.parse(Map.of()).deduplicationWindow());
    assertNull(QueueArguments.parse(Map.of("x-message-deduplication", false)).deduplicationWindow());
  }

  @Test
  void theFlagAloneGivesAWindowOfOneHour() {
    assertEquals(3_600_000L, QueueArguments.parse(Map.of("x-message-deduplication", true)).deduplicationWindow());
    assertEquals(3_600_000L, QueueArguments.parse(Map.of("x-message-deduplication", "true")).deduplicationWindow());
  }

  @Test
  void theWindowIsTakenInMillisecondsUpToSevenDays() {
    assertEquals(250L, QueueArguments.parse(Map.of("x-message-deduplication", true, "x-deduplication-window", 250))
        .deduplicationWindow());
    assertEquals(604_800_000L, QueueArguments.parse(Map.of("x-message-deduplication", true,
        "x-deduplication-window", "604800000")).deduplicationWindow());
  }

  @Test
  void aWindowWithoutTheFlagIsRefusedNamingBoth() {
    String error = refusal(Map.of("x-deduplication-window", 1000));
    assertTrue(error.contains("'x-deduplication-window'") && error.contains("'x-message-deduplication'"), error);
    refusal(Map.of("x-deduplication-window", 1000, "x-message-deduplication", false));
  }

  @Test
  void aWindowOutOfRangeOrNotANumberIsRefusedNamingIt() {
    for (Object bad : new Object[] {0, -5, 604_800_001L, "soon", 1.5e12}) {
      String error = refusal(Map.of("x-message-deduplication", true, "x-deduplication-window", bad));
      assertTrue(error.contains("'x-deduplication-window'"), error);
    }
  }

  @Test
  void aFlagThatIsNotABooleanIsRefusedNamingIt() {
    String error = refusal(Map.of("x-message-deduplication", "yes"));
    assertTrue(error.contains("'x-message-deduplication'"), error);
  }
}
