package io.junctionmq.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Delivery;
import io.junctionmq.model.Got;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The reply to a remote get, as the owner writes it and the requesting node reads it. */
class ProtocolTest {

  @Test
  void aGotComesBackWithItsDeliveryUnderTheHoldersOwnTag() {
    var message = new Message("ex", "key", MessageProperties.PERSISTENT, "body".getBytes(StandardCharsets.UTF_8));
    var sent = new Got(new Delivery("node-a|g", 7, true, 3, "q", message), 41);
    Got read = Protocol.got(Protocol.got(sent), "g");
    Delivery d = read.delivery();
    assertEquals("g", d.consumerTag(), "the owner knows the holder by its wire tag; the node by its own");
    assertEquals(7, d.deliveryTag());
    assertTrue(d.redelivered());
    assertEquals(3, d.deliveryCount());
    assertEquals("q", d.queue());
    assertEquals("key", d.message().routingKey());
    assertArrayEquals(message.body(), d.message().body());
    assertEquals(41, read.messageCount());
  }

  @Test
  void anEmptyGotComesBackEmptyWithItsMessageCount() {
    Got read = Protocol.got(Protocol.got(Got.empty(5)), "g");
    assertTrue(read.isEmpty());
    assertEquals(5, read.messageCount());
  }
}
