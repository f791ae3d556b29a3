package io.junctionmq.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class HttpTargetTest {

  @Test
  void aPublishLineIsTheJsonBodyOfTheHttpApiWithABase64Payload() {
    byte[] body = {0, 1, 2, (byte) 0xff};
    String line = new String(HttpTarget.publishLinePrefix("q \"1\"", true), StandardCharsets.UTF_8)
        + Base64.getEncoder().encodeToString(body) + "\"}";
    JsonObject json = new JsonObject(line);
    assertEquals("q \"1\"", json.getString("routing_key"));
    assertEquals("base64", json.getString("payload_encoding"));
    assertArrayEquals(body, Base64.getDecoder().decode(json.getString("payload")));
    assertEquals(2, json.getJsonObject("properties").getInteger("delivery_mode"));
    assertEquals(1, new JsonObject(new String(HttpTarget.publishLinePrefix("q", false), StandardCharsets.UTF_8)
        + "\"}").getJsonObject("properties").getInteger("delivery_mode"));
  }

  @Test
  void aStreamedDeliveryIsReadForItsTagAndBodyWhateverElseTheLineHolds() {
    byte[] body = {9, 8, 7};
    var line = new JsonObject().put("payload_bytes", 3).put("redelivered", false)
        .put("properties", new JsonObject().put("delivery_mode", 2).put("headers", new JsonObject().put("a", "b")))
        .put("payload", Base64.getEncoder().encodeToString(body)).put("payload_encoding", "base64")
        .put("delivery_tag", 42);
    var d = HttpTarget.StreamedDelivery.parse(line.toBuffer());
    assertEquals(42, d.tag());
    assertArrayEquals(body, d.body());
  }

  @Test
  void otherStreamEventsAreNotDeliveries() {
    assertNull(HttpTarget.StreamedDelivery.parse(Buffer.buffer("{\"consumer\":\"http-1\",\"queue\":\"q\",\"prefetch\":5}")));
    assertNull(HttpTarget.StreamedDelivery.parse(Buffer.buffer("{\"end\":{\"reason\":\"queue deleted\"}}")));
  }
}
