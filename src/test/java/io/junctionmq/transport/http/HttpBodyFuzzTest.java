package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.junctionmq.model.Binding;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.QueueArguments;
import io.junctionmq.security.Access;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * The JSON bodies of the HTTP API on bytes from the network (docs/fuzzing.md): each gives its
 * value or a {@link JunctionException} that the API answers with a 4xx and a JSON body, never
 * another failure (which would be a 500). The first byte of an input chooses the route; the rest
 * is the body, read as the route reads it, then checked as the broker checks the value.
 */
class HttpBodyFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void everyBodyGivesItsValueOrA4xxWithAJsonBody(byte[] input) {
    if (input.length == 0) {
      return;
    }
    Buffer bytes = Buffer.buffer(Arrays.copyOfRange(input, 1, input.length));
    try {
      JsonObject body = Rest.jsonObject(bytes);
      switch ((input[0] & 0xff) % 8) {
        case 0 -> checkedAsTheCatalogChecks(QueueRoutes.queue("/", "q", body).arguments());
        case 1 -> assertNotNull(ExchangeRoutes.exchange("/", "x", body).type());
        case 2 -> assertNotNull(BindingRoutes.binding("/", "x", Binding.DestinationType.QUEUE, "q", body).routingKey());
        case 3 -> publishedAndDeliveredAlike(body);
        case 4 -> {
          var p = UserRoutes.permission("u", "/", body);
          Access.checkExpression("configure", p.configure());
          Access.checkExpression("write", p.write());
          Access.checkExpression("read", p.read());
        }
        case 5 -> UserRoutes.topicPermission("u", "/", body);
        case 6 -> assertTrue(UserRoutes.tags(body.getValue("tags")).stream().noneMatch(String::isBlank));
        default -> UserRoutes.limit(body);
      }
    } catch (JunctionException e) {
      int status = e.code().httpStatus();
      assertTrue(status >= 400 && status < 500, e.code() + " is answered with " + status);
      JsonObject answer = new JsonObject(HttpErrors.body(e).encode());
      assertEquals(e.code().wireName(), answer.getString("error"));
      assertFalse(answer.getString("reason").isEmpty(), "an error without a reason");
    }
  }

  /** Catalog.declareQueue: an argument QueueArguments refuses is INVALID_ARGUMENT. */
  private static void checkedAsTheCatalogChecks(java.util.Map<String, Object> arguments) {
    try {
      QueueArguments.parse(arguments);
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_ARGUMENT.error(e.getMessage());
    }
  }

  /** A publish body gives a message; delivered (the /get shape) and published again, it is the same message. */
  private static void publishedAndDeliveredAlike(JsonObject body) {
    Message m = MessageJson.message("x", body, null);
    Rest.bool(body, "mandatory", false);
    JsonObject delivered = new JsonObject(MessageJson.message(m, false, "auto", -1).encode());
    Message again = MessageJson.message("x", delivered, null);
    assertEquals(m.routingKey(), again.routingKey());
    assertEquals(m.properties(), again.properties());
    assertArrayEquals(m.body(), again.body());
  }
}
