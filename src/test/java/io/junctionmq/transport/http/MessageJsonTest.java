package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageJsonTest {

  @Test
  void aPublishBodyBecomesAMessageWithItsProperties() {
    var m = MessageJson.message("x", new JsonObject().put("routing_key", "k").put("payload", "aGk=")
        .put("payload_encoding", "base64").put("properties", new JsonObject().put("delivery_mode", 2)
            .put("priority", "7").put("headers", new JsonObject().put("a", 1).put("b", "two"))), "idem");
    assertEquals("x", m.exchange());
    assertEquals("k", m.routingKey());
    assertArrayEquals("hi".getBytes(), m.body());
    assertTrue(m.persistent());
    assertEquals(7, m.properties().priority());
    assertEquals("idem", m.properties().messageId());
    assertEquals(Map.of("a", "1", "b", "two"), m.properties().headers());
  }

  @Test
  void badFieldsAreInvalidArgumentsNamingTheField() {
    for (var body : new JsonObject[] {
        new JsonObject().put("payload_encoding", "hex"),
        new JsonObject().put("routing_key", 5),
        new JsonObject().put("properties", new JsonObject().put("priority", 300)),
        new JsonObject().put("properties", new JsonObject().put("timestamp", "yesterday")),
        new JsonObject().put("properties", "none")}) {
      var e = assertThrows(JunctionException.class, () -> MessageJson.message("", body, null), body.encode());
      assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    }
  }

  @Test
  void aBodyThatIsNotUtf8IsShownAsBase64AndTruncationKeepsTheFullSize() {
    var m = new Message("", "k", MessageProperties.PERSISTENT, new byte[] {(byte) 0xff, 1, 2});
    JsonObject out = MessageJson.message(m, true, "auto", 2);
    assertEquals("base64", out.getString("payload_encoding"));
    assertEquals("/wE=", out.getString("payload"));
    assertEquals(3, out.getInteger("payload_bytes"));
    assertEquals(2, out.getJsonObject("properties").getInteger("delivery_mode"));
    assertTrue(out.getBoolean("redelivered"));
  }

  @Test
  void aUtf8BodyIsShownAsTextAndACutMultibyteCharacterAsBase64() {
    byte[] text = "héllo € \uD83D\uDE00".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var m = new Message("", "k", MessageProperties.PERSISTENT, text);
    JsonObject out = MessageJson.message(m, false, "auto", -1);
    assertEquals("string", out.getString("payload_encoding"));
    assertEquals("héllo € \uD83D\uDE00", out.getString("payload"));
    byte[] cut = java.util.Arrays.copyOf(text, text.length - 1);
    JsonObject cutOut = MessageJson.message(new Message("", "k", MessageProperties.PERSISTENT, cut), false, "auto", -1);
    assertEquals("base64", cutOut.getString("payload_encoding"));
    assertArrayEquals(cut, java.util.Base64.getDecoder().decode(cutOut.getString("payload")));
  }

  @Test
  void aPropertiesKeyIsTheEncodedRoutingKeyPlusAHashOfTheArguments() {
    assertEquals("~", ManagementJson.propertiesKey(Binding.toQueue("/", "x", "q", "")));
    assertEquals("a%20b", ManagementJson.propertiesKey(Binding.toQueue("/", "x", "q", "a b")));
    var withArgs = new Binding("/", "x", Binding.DestinationType.QUEUE, "q", "k", Map.of("x-match", "all"));
    var sameArgs = new Binding("/", "x", Binding.DestinationType.QUEUE, "q", "k", Map.of("x-match", "all"));
    var otherArgs = new Binding("/", "x", Binding.DestinationType.QUEUE, "q", "k", Map.of("x-match", "any"));
    assertTrue(ManagementJson.propertiesKey(withArgs).startsWith("k~"));
    assertEquals(ManagementJson.propertiesKey(withArgs), ManagementJson.propertiesKey(sameArgs));
    assertTrue(!ManagementJson.propertiesKey(withArgs).equals(ManagementJson.propertiesKey(otherArgs)));
  }

  @Test
  void base64PayloadsMayBeWrappedButNotGarbage() {
    assertArrayEquals(new byte[] {1, 2, 3, 4}, MessageJson.decodeBase64("AQID\nBA=="));
    assertArrayEquals(new byte[] {1, 2, 3, 4}, MessageJson.decodeBase64("AQIDBA=="));
    var e = assertThrows(io.junctionmq.model.JunctionException.class, () -> MessageJson.decodeBase64("AQ!D"));
    assertEquals(io.junctionmq.model.ErrorCode.INVALID_ARGUMENT, e.code());
  }
}
