package io.junctionmq.broker;

import static io.junctionmq.broker.StandaloneBroker.V;
import static io.junctionmq.broker.StandaloneBroker.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Queue;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The activity status of each consumer, and the queue's single active consumer, as one node lists them. */
class SingleActiveConsumerListingTest {
  private static final ConsumeOptions AUTO = ConsumeOptions.of(10, AckMode.AUTO);
  @RegisterExtension
  final StandaloneBroker node = new StandaloneBroker();
  private final Broker broker = node.broker();

  private Map<String, String> statuses(String queue) {
    return await(broker.listings().consumers()).items().stream().filter(c -> c.queue().equals(queue))
        .collect(Collectors.toMap(ConsumerInfo::tag, ConsumerInfo::activityStatus));
  }

  @Test
  void theFirstConsumerIsSingleActiveAndTheNextWaitsUntilItLeaves() {
    await(broker.declareQueue(new Queue(V, "sac", true, false, false, Map.of("x-single-active-consumer", true))));
    Consumer first = await(broker.consume(V, "sac", AUTO, d -> { }));
    Consumer second = await(broker.consume(V, "sac", AUTO, d -> { }));
    assertEquals(Map.of(first.tag(), "single_active", second.tag(), "waiting"), statuses("sac"));
    assertEquals(first.tag(), await(broker.queueInfo(V, "sac")).singleActiveConsumerTag());

    await(first.cancel());
    assertEquals(Map.of(second.tag(), "single_active"), statuses("sac"));
    assertEquals(second.tag(), await(broker.queueInfo(V, "sac")).singleActiveConsumerTag());
    await(second.cancel());
    assertNull(await(broker.queueInfo(V, "sac")).singleActiveConsumerTag());
  }

  @Test
  void everyConsumerOfAnOrdinaryQueueIsUpAndActive() {
    await(broker.declareQueue(Queue.durable(V, "plain")));
    await(broker.consume(V, "plain", AUTO, d -> { }));
    await(broker.consume(V, "plain", AUTO, d -> { }));
    var listed = await(broker.listings().consumers()).items();
    assertEquals(2, listed.size());
    assertTrue(listed.stream().allMatch(c -> c.activityStatus().equals("up") && c.active()), listed.toString());
    assertNull(await(broker.queueInfo(V, "plain")).singleActiveConsumerTag());
  }

  @Test
  void anEmptyConsumerTagIsReplacedByOneTheBrokerMakes() {
    await(broker.declareQueue(new Queue(V, "sac-empty", true, false, false, Map.of("x-single-active-consumer", true))));
    Consumer c = await(broker.consume(V, "sac-empty", new ConsumeOptions("", 10, AckMode.AUTO), d -> { }));
    assertFalse(c.tag().isEmpty());
    assertEquals(Map.of(c.tag(), "single_active"), statuses("sac-empty"));
  }
}
