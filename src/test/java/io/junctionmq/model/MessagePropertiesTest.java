package io.junctionmq.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class MessagePropertiesTest {

  private static JunctionException refused(Supplier<MessageProperties> build) {
    var e = assertThrows(JunctionException.class, build::get);
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code(), e.reason());
    return e;
  }

  @Test
  void aPriorityOutsideAnOctetIsRefused() {
    assertEquals("priority must be from 0 to 255, got 256",
        refused(() -> MessageProperties.builder().priority(256).build()).reason());
    assertEquals("priority must be from 0 to 255, got -1",
        refused(() -> MessageProperties.builder().priority(-1).build()).reason());
    refused(() -> MessageProperties.builder().priority(Integer.MIN_VALUE).build());
    refused(() -> MessageProperties.builder().priority(Integer.MAX_VALUE).build());
  }

  @Test
  void aNegativeTimestampIsRefused() {
    assertEquals("timestamp must not be negative, got -1",
        refused(() -> MessageProperties.builder().timestamp(-1L).build()).reason());
    refused(() -> MessageProperties.builder().timestamp(Long.MIN_VALUE).build());
  }

  @Test
  void anExpirationThatIsNotAWholeNumberOfMillisecondsInAnIntIsRefused() {
    assertEquals("expiration must be a whole number of milliseconds from 0 to 2147483647, got 'tomorrow'",
        refused(() -> MessageProperties.builder().expiration("tomorrow").build()).reason());
    for (String bad : new String[] {"-1", "", " ", "1.5", "1e3", "0x10", "2147483648", "99999999999999999999",
        "5 ms"}) {
      refused(() -> MessageProperties.builder().expiration(bad).build());
    }
  }

  @Test
  void anErrorShowsABadValueCutShortAndPrintable() {
    String reason = refused(() -> MessageProperties.builder().expiration("a\nb" + "x".repeat(100)).build()).reason();
    assertEquals("expiration must be a whole number of milliseconds from 0 to 2147483647, got 'a?b"
        + "x".repeat(61) + "...'", reason);
  }

  @Test
  void theBoundsThemselvesAreAccepted() {
    var low = MessageProperties.builder().priority(0).timestamp(0L).expiration("0").build();
    assertEquals(0, low.priority());
    var high = MessageProperties.builder().priority(255).timestamp(Long.MAX_VALUE).expiration("2147483647").build();
    assertEquals(255, high.priority());
    assertEquals(2147483647, MessageProperties.expirationMillis(high.expiration()));
  }

  @Test
  void anExpirationKeepsTheTextItWasGivenAsTheBrokerAlwaysTookIt() {
    // Messages stored before the check moved here hold such texts: they must still decode.
    for (String text : new String[] {" 60000 ", "+5", "007"}) {
      assertEquals(text, MessageProperties.builder().expiration(text).build().expiration());
    }
    assertEquals(7, MessageProperties.expirationMillis("007"));
  }

  @Test
  void theConstructorChecksAsTheBuilderDoes() {
    refused(() -> new MessageProperties(null, null, null, null, null, null, null, null, null, 300, null, false, Map.of()));
    var valid = MessageProperties.builder().priority(9).expiration("50").timestamp(1L).build();
    assertEquals(valid, valid.toBuilder().build());
    refused(() -> valid.toBuilder().expiration("soon").build());
  }
}
