package io.junctionmq.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Delivery;
import io.junctionmq.queue.DeliverySink;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The owner's bookkeeping of other nodes' consumers, and the answer a node gives to a probe. */
class RemoteAttachmentsTest {
  private final RemoteAttachments attachments = new RemoteAttachments();

  @Test
  void eachNodeIsAskedOnceAboutAllItsConsumersButNeverAboutItsGetHolders() {
    attachments.consumer("a|c1", 1, 1, "a");
    attachments.consumer("a|c2", 2, 3, "a");
    attachments.consumer("b|c1", 1, 1, "b");
    attachments.holder("a|get-a", 1, 1, "a");

    Map<String, List<RemoteAttachments.Attached>> probes = attachments.probes();

    assertEquals(Set.of("a", "b"), probes.keySet());
    assertEquals(Set.of("a|c1", "a|c2"), tags(probes.get("a")));
    assertEquals(Set.of("b|c1"), tags(probes.get("b")));
  }

  @Test
  void aConsumerItsNodeNoLongerHasIsForgottenAndReturnedOnce() {
    attachments.consumer("a|c1", 1, 1, "a");
    attachments.consumer("a|c2", 1, 1, "a");
    var asked = attachments.probes().get("a");

    var ended = attachments.gone(asked, Set.of("a|c1"));

    assertEquals(Set.of("a|c1"), tags(ended));
    assertEquals(Set.of("a|c2"), tags(attachments.probes().get("a")));
    assertTrue(attachments.gone(asked, Set.of("a|c1")).isEmpty(), "already forgotten");
  }

  @Test
  void aConsumerAttachedAgainAfterTheProbeWasSentIsNotEndedByItsAnswer() {
    attachments.consumer("a|c1", 1, 1, "a");
    var asked = attachments.probes().get("a");
    attachments.remove("a|c1");
    attachments.consumer("a|c1", 1, 1, "a");

    assertTrue(attachments.gone(asked, Set.of("a|c1")).isEmpty());
    assertEquals(Set.of("a|c1"), tags(attachments.probes().get("a")));
  }

  @Test
  void theConsumersAndHoldersOfADepartedNodeEndTogether() {
    attachments.consumer("a|c1", 1, 1, "a");
    attachments.holder("a|get-a", 1, 1, "a");
    attachments.consumer("b|c1", 1, 1, "b");

    assertEquals(Set.of("a|c1", "a|get-a"), tags(attachments.departed(Set.of("b", "self"))));
    assertEquals(Set.of("b"), attachments.probes().keySet());
  }

  @Test
  void aNodeAnswersAProbeWithTheConsumersItDoesNotHaveAtThatQueueAndEpoch() {
    Vertx vertx = Vertx.vertx();
    try {
      var consumers = new RemoteConsumers("a");
      consumers.register("c1", 1, 5, vertx.getOrCreateContext(), sink());
      consumers.register("c2", 1, 5, vertx.getOrCreateContext(), sink());
      consumers.register("c3", 2, 5, vertx.getOrCreateContext(), sink());
      consumers.remove("a|c2", 1, 5);
      Wire probe = Wire.op(Protocol.PROBE).i32(4)
          .str("a|c1").i64(1).i64(5)
          .str("a|c2").i64(1).i64(5)
          .str("a|c3").i64(2).i64(4)
          .str("a|c9").i64(1).i64(5);
      var r = new Wire.Reader(probe.buffer());
      r.i8();

      var reply = new Wire.Reader(consumers.missing(r));

      int n = reply.i32();
      var missing = new java.util.HashSet<String>();
      for (int i = 0; i < n; i++) {
        missing.add(reply.str());
      }
      assertEquals(Set.of("a|c2", "a|c3", "a|c9"), missing);
    } finally {
      vertx.close();
    }
  }

  private static Set<String> tags(List<RemoteAttachments.Attached> attached) {
    return attached.stream().map(RemoteAttachments.Attached::tag).collect(java.util.stream.Collectors.toSet());
  }

  private static DeliverySink sink() {
    return new DeliverySink() {
      @Override
      public void deliver(List<Delivery> deliveries) {
      }

      @Override
      public void cancelled(String reason) {
      }
    };
  }
}
