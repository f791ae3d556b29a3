package io.junctionmq.broker;

import static io.junctionmq.broker.StandaloneBroker.V;
import static io.junctionmq.broker.StandaloneBroker.await;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Queue;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code x-expires}: a queue unused for that long is deleted; a consumer or a redeclare is a use. */
class QueueExpiresTest {
  private static final Duration EXPIRES = Duration.ofMillis(300);
  private static final Queue EXPIRING = new Queue(V, "expiring", true, false, false,
      Map.of("x-expires", EXPIRES.toMillis()));
  @RegisterExtension
  final StandaloneBroker node = new StandaloneBroker();
  private final Broker broker = node.broker();

  @Test
  void anUnusedQueueIsDeletedAfterItsExpiry() {
    long declared = System.nanoTime();
    await(broker.declareQueue(EXPIRING));
    await().atMost(Duration.ofSeconds(3)).until(() -> !node.exists("expiring"));
    assertTrue(System.nanoTime() - declared >= EXPIRES.toNanos(), "deleted before its time");
  }

  @Test
  void aConsumerKeepsTheQueueAliveAndItsLeavingStartsTheCount() {
    await(broker.declareQueue(EXPIRING));
    Consumer consumer = await(broker.consume(V, "expiring", ConsumeOptions.of(1, AckMode.AUTO), d -> { }));
    await().during(EXPIRES.multipliedBy(2)).atMost(Duration.ofSeconds(3)).until(() -> node.exists("expiring"));
    await(consumer.cancel());
    await().atMost(Duration.ofSeconds(3)).until(() -> !node.exists("expiring"));
  }

  @Test
  void aRedeclareStartsTheCountAgain() {
    await(broker.declareQueue(EXPIRING));
    // Redeclared every 50 ms for twice its expiry: never unused for long enough.
    await().during(EXPIRES.multipliedBy(2)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
        .until(() -> await(broker.declareQueue(EXPIRING)) != null && node.exists("expiring"));
    await().atMost(Duration.ofSeconds(3)).until(() -> !node.exists("expiring"));
  }
}
