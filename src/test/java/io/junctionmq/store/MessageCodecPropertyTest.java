package io.junctionmq.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.WithNull;

class MessageCodecPropertyTest {

  @Property(tries = 500)
  void anyMessageDecodesToItself(
      @ForAll String exchange, @ForAll String routingKey,
      @ForAll @WithNull String messageId, @ForAll @WithNull String type,
      @ForAll @WithNull @IntRange(min = 0) Integer expirationMillis, @ForAll @WithNull @LongRange(min = 0) Long timestamp,
      @ForAll @WithNull @IntRange(min = 0, max = 255) Integer priority, @ForAll boolean persistent,
      @ForAll @Size(max = 20) Map<String, String> headers, @ForAll @Size(max = 200) byte[] body) {
    String expiration = expirationMillis == null ? null : expirationMillis.toString();
    var props = MessageProperties.builder().messageId(messageId).type(type).expiration(expiration)
        .timestamp(timestamp).priority(priority).persistent(persistent).headers(headers).build();
    var message = new Message(exchange, routingKey, props, body);

    Message whole = MessageCodec.decode(MessageCodec.encode(message));
    Message stored = MessageCodec.decode(MessageCodec.encodeEnvelope(message), body);
    for (Message back : new Message[] {whole, stored}) {
      assertEquals(message.exchange(), back.exchange());
      assertEquals(message.routingKey(), back.routingKey());
      assertEquals(message.properties(), back.properties());
      assertArrayEquals(message.body(), back.body());
    }
  }
}
