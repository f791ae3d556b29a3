package io.junctionmq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.junctionmq.broker.ConnectionInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeSourcesTest {

  @Test
  void connectionsAreCountedPerTransportWithEveryTransportPresent() {
    var connections = List.of(
        new ConnectionInfo("c1", "http stream a", "http-stream", 0, 1, null, null, "n1"),
        new ConnectionInfo("c2", "http publish b", "http-publish", 0, 0, null, null, "n1"),
        new ConnectionInfo("c3", "app", "eventbus", 0, 0, null, null, "n1"),
        new ConnectionInfo("c4", "ws 1.2.3.4", "stomp/1.2", 0, 0, null, null, "n1"));

    Map<String, Integer> counts = NodeSources.count(connections, 4, 1);

    assertEquals(Map.of("stomp", 4, "ws", 1, "http", 2, "eventbus", 1), counts);
    assertEquals(Meters.TRANSPORTS, List.copyOf(counts.keySet()));
  }
}
