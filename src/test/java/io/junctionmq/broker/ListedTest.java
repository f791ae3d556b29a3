package io.junctionmq.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Merging the nodes' answers into one list of the cluster's objects. */
class ListedTest {

  @Test
  void theAnswersAreMergedInTheOrderTheNodesWereAskedAndTheListIsWhole() {
    Listed<String> listed = Listed.merge(List.of("n0", "n1", "n2"),
        Map.of("n2", List.of("c"), "n0", List.of("a1", "a2"), "n1", List.of()));

    assertEquals(List.of("a1", "a2", "c"), listed.items());
    assertFalse(listed.partial());
  }

  @Test
  void aNodeThatDidNotAnswerIsNamedAndTheOthersAreStillListed() {
    Listed<String> listed = Listed.merge(List.of("n0", "n1", "n2"), Map.of("n0", List.of("a"), "n2", List.of("c")));

    assertEquals(List.of("a", "c"), listed.items());
    assertTrue(listed.partial());
    assertEquals(List.of("n1"), listed.missing());
  }

  @Test
  void anAnswerFromANodeThatWasNotAskedIsLeftOut() {
    Listed<String> listed = Listed.merge(List.of("n0"), Map.of("n0", List.of("a"), "late", List.of("z")));

    assertEquals(List.of("a"), listed.items());
    assertFalse(listed.partial());
  }

  @Test
  void connectionsAndConsumersCrossTheWireUnchanged() {
    var connection = new ConnectionInfo("conn-n1-7", "ws 1.2.3.4", "stomp/1.2", 1234L, 2, "/", "alice", "n1");
    var anonymous = new ConnectionInfo("conn-n1-8", "app", "eventbus", 5L, 0, null, null, "n1");
    var consumer = new ConsumerInfo("sub-0", "/", "orders", "conn-n1-7", true, 50, "n1");

    assertEquals(connection, ConnectionInfo.of(new JsonObject(connection.json().encode())));
    assertEquals(anonymous, ConnectionInfo.of(new JsonObject(anonymous.json().encode())));
    assertEquals(consumer, ConsumerInfo.of(new JsonObject(consumer.json().encode())));
    var waiting = consumer.withStatus(ConsumerInfo.WAITING);
    assertEquals(waiting, ConsumerInfo.of(new JsonObject(waiting.json().encode())));
  }
}
