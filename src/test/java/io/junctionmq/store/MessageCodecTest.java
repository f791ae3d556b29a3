package io.junctionmq.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

  private static final MessageProperties FULL = MessageProperties.builder()
      .messageId("m-1").correlationId("c-1").replyTo("amq.rabbitmq.reply-to").contentType("application/json")
      .contentEncoding("gzip").type("order.created").appId("shop").userId("guest")
      .timestamp(1_700_000_000_000L).priority(9).expiration("60000").persistent(true)
      .headers(Map.of("tenant", "acme", "trace", "abc-123"))
      .build();

  private static Message roundTripEnvelope(Message m) {
    return MessageCodec.decode(MessageCodec.encodeEnvelope(m), m.body());
  }

  private static void assertSameMessage(Message expected, Message actual) {
    assertEquals(expected.exchange(), actual.exchange());
    assertEquals(expected.routingKey(), actual.routingKey());
    assertEquals(expected.properties(), actual.properties());
    assertArrayEquals(expected.body(), actual.body());
  }

  @Test
  void everyPropertySurvivesARoundTrip() {
    var m = new Message("orders", "eu.created", FULL, "{}".getBytes(StandardCharsets.UTF_8));
    assertSameMessage(m, roundTripEnvelope(m));
    assertSameMessage(m, MessageCodec.decode(MessageCodec.encode(m)));
  }

  @Test
  void absentPropertiesStayAbsent() {
    var m = new Message("", "", MessageProperties.TRANSIENT, new byte[0]);
    Message back = roundTripEnvelope(m);
    assertSameMessage(m, back);
    assertEquals(null, back.properties().messageId());
    assertEquals(null, back.properties().timestamp());
    assertEquals(null, back.properties().priority());
    assertTrue(back.properties().headers().isEmpty());
  }

  @Test
  void aTransientMessageWithoutPropertiesEncodesInAFewBytes() {
    byte[] bytes = MessageCodec.encodeEnvelope(new Message("", "q", MessageProperties.TRANSIENT, null));
    assertEquals(1 + 2 + 1 + 2, bytes.length);
  }

  @Test
  void eachSinglePropertyRoundTripsAlone() {
    MessageProperties.Builder[] singles = {
        MessageProperties.builder().messageId("x"), MessageProperties.builder().correlationId("x"),
        MessageProperties.builder().replyTo("x"), MessageProperties.builder().contentType("x"),
        MessageProperties.builder().contentEncoding("x"), MessageProperties.builder().type("x"),
        MessageProperties.builder().appId("x"), MessageProperties.builder().userId("x"),
        MessageProperties.builder().timestamp(0L), MessageProperties.builder().priority(0),
        MessageProperties.builder().expiration("0"), MessageProperties.builder().persistent(true),
        MessageProperties.builder().headers(Map.of("k", "")),
    };
    for (var b : singles) {
      var m = new Message("e", "k", b.build(), new byte[] {1});
      assertSameMessage(m, roundTripEnvelope(m));
    }
  }

  @Test
  void emptyAndUnicodeStringsRoundTrip() {
    var props = MessageProperties.builder().messageId("").type("日本語 ✓ émoji 🐇")
        .headers(Map.of("", "", "ключ", "значение 🐰")).build();
    var m = new Message("exchange-ü", "routing.ключ.🐇", props, "tschüß".getBytes(StandardCharsets.UTF_8));
    assertSameMessage(m, roundTripEnvelope(m));
    assertSameMessage(m, MessageCodec.decode(MessageCodec.encode(m)));
  }

  @Test
  void extremeNumbersRoundTrip() {
    for (long ts : new long[] {0, 1, 63, 64, Long.MAX_VALUE}) {
      var m = new Message("", "", MessageProperties.builder().timestamp(ts).build(), null);
      assertSameMessage(m, roundTripEnvelope(m));
    }
    for (int p : new int[] {0, 63, 64, 127, 128, 255}) {
      var m = new Message("", "", MessageProperties.builder().priority(p).build(), null);
      assertSameMessage(m, roundTripEnvelope(m));
    }
  }

  @Test
  void manyHeadersRoundTrip() {
    Map<String, String> headers = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      headers.put("header-" + i, "value-" + "x".repeat(i % 50));
    }
    var m = new Message("e", "k", MessageProperties.builder().headers(headers).build(), new byte[10]);
    assertSameMessage(m, roundTripEnvelope(m));
  }

  @Test
  void longStringsAndBinaryBodiesRoundTrip() {
    byte[] body = new byte[300_000];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    var m = new Message("e", "k".repeat(100_000), MessageProperties.builder().messageId("m".repeat(70_000)).build(), body);
    assertSameMessage(m, MessageCodec.decode(MessageCodec.encode(m)));
  }

  @Test
  void aStoredExpiryRoundTripsAndIsAbsentByDefault() {
    Message m = new Message("x", "k", MessageProperties.PERSISTENT, new byte[] {7});
    StoredMessage back = MessageCodec.decodeStored(3, MessageCodec.encodeEnvelope(m, 1_700_000_000_123L), m.body());
    assertEquals(3, back.seq());
    assertEquals(1_700_000_000_123L, back.expiresAt());
    assertSameMessage(m, back.message());
    assertEquals(StoredMessage.NEVER, MessageCodec.decodeStored(1, MessageCodec.encodeEnvelope(m), m.body()).expiresAt());
  }

  @Test
  void unknownVersionIsRejected() {
    byte[] bytes = MessageCodec.encodeEnvelope(new Message("", "", FULL, null));
    bytes[0] = 99;
    var e = assertThrows(IllegalArgumentException.class, () -> MessageCodec.decodeEnvelope(bytes));
    assertTrue(e.getMessage().contains("version"));
  }

  @Test
  void truncatedOrTrailingBytesAreRejected() {
    byte[] bytes = MessageCodec.encodeEnvelope(new Message("ex", "rk", FULL, null));
    for (int n = 0; n < bytes.length; n++) {
      byte[] cut = java.util.Arrays.copyOf(bytes, n);
      assertThrows(IllegalArgumentException.class, () -> MessageCodec.decodeEnvelope(cut), "length " + n);
    }
    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(IllegalArgumentException.class, () -> MessageCodec.decodeEnvelope(longer));
  }

  @Test
  void valuesStoredBeforeTheyWereCheckedAreBroughtIntoRange() {
    assertEquals(255, MessageCodec.storedPriority(300));
    assertEquals(0, MessageCodec.storedPriority(-4));
    assertEquals(9, MessageCodec.storedPriority(9));
    assertNull(MessageCodec.storedTimestamp(-1));
    assertEquals(5L, MessageCodec.storedTimestamp(5));
    assertEquals("2147483647", MessageCodec.storedExpiration("99999999999"));
    assertEquals(" 60000", MessageCodec.storedExpiration(" 60000"));
    assertNull(MessageCodec.storedExpiration("tomorrow"));
    assertNull(MessageCodec.storedExpiration(null));
  }
}
