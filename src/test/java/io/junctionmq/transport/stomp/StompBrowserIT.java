package io.junctionmq.transport.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.transport.NodeScript;
import io.junctionmq.transport.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Headless Chromium runs the broker's own stomp-demo.html: stompjs in a real browser over /ws. */
class StompBrowserIT {

  @Test
  void aPageServedByTheBrokerPublishesAndReceivesWithStompjs() {
    NodeScript.assumeChromium();
    try (var node = TestNode.start()) {
      String page = node.httpUrl() + "/stomp-demo.html?dest=/queue/browser-it&send=hello-from-chromium";
      var result = NodeScript.run("stomp-browser.mjs", Map.of("PAGE_URL", page), Duration.ofSeconds(90));
      assertEquals(0, result.exitCode(), result.output());
      String[] lines = result.output().trim().split("\n");
      var shown = new JsonObject(lines[lines.length - 1]);
      assertEquals(new JsonArray(List.of("hello-from-chromium")), shown.getJsonArray("messages"), shown.encode());
      assertTrue(shown.getString("status").contains("1 sent and stored"), shown.encode());
    }
  }
}
