package io.junctionmq.broker;

import static io.junctionmq.broker.StandaloneBroker.V;
import static io.junctionmq.broker.StandaloneBroker.await;
import static io.junctionmq.broker.StandaloneBroker.failure;
import static io.junctionmq.broker.StandaloneBroker.persistent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Binding;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What may be deleted, and when: {@code if-unused}, {@code if-empty}, the predeclared exchanges. */
class DeleteRulesTest {
  @RegisterExtension
  final StandaloneBroker node = new StandaloneBroker();
  private final Broker broker = node.broker();

  @Test
  void anExchangeThatIsASourceOfBindingsIsInUse() {
    await(broker.declareExchange(Exchange.of(V, "x", ExchangeType.FANOUT)));
    await(broker.declareQueue(Queue.durable(V, "q")));
    await(broker.bind(Binding.toQueue(V, "x", "q", "")));
    assertEquals(ErrorCode.IN_USE, failure(broker.deleteExchange(V, "x", true)));
    assertNotNull(broker.exchange(V, "x"));
    await(broker.unbind(Binding.toQueue(V, "x", "q", "")));
    await(broker.deleteExchange(V, "x", true));
    assertEquals(ErrorCode.NOT_FOUND, StandaloneBroker.thrown(() -> broker.exchange(V, "x")));
  }

  @Test
  void anExchangeBoundOnlyAsADestinationIsUnused() {
    await(broker.declareExchange(Exchange.of(V, "x", ExchangeType.FANOUT)));
    await(broker.bind(Binding.toExchange(V, "amq.fanout", "x", "")));
    await(broker.deleteExchange(V, "x", true));
    assertEquals(ErrorCode.NOT_FOUND, StandaloneBroker.thrown(() -> broker.exchange(V, "x")));
  }

  @Test
  void withoutIfUnusedABoundExchangeIsDeleted() {
    await(broker.declareExchange(Exchange.of(V, "x", ExchangeType.FANOUT)));
    await(broker.declareQueue(Queue.durable(V, "q")));
    await(broker.bind(Binding.toQueue(V, "x", "q", "")));
    await(broker.deleteExchange(V, "x", false));
    assertEquals(ErrorCode.NOT_FOUND, StandaloneBroker.thrown(() -> broker.exchange(V, "x")));
  }

  @Test
  void aMissingExchangeOrQueueIsNotFound() {
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.deleteExchange(V, "missing", false)));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.deleteQueue(V, "missing", false, false)));
  }

  @Test
  void thePredeclaredExchangesCannotBeDeleted() {
    for (String name : List.of("", "amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match")) {
      assertEquals(ErrorCode.ACCESS_REFUSED, failure(broker.deleteExchange(V, name, false)), name);
      assertNotNull(broker.exchange(V, name), name);
    }
  }

  @Test
  void aQueueWithConsumersIsInUse() {
    await(broker.declareQueue(Queue.durable(V, "q")));
    Consumer consumer = await(broker.consume(V, "q", ConsumeOptions.of(1, AckMode.AUTO), d -> { }));
    assertEquals(ErrorCode.IN_USE, failure(broker.deleteQueue(V, "q", true, false)));
    assertTrue(node.exists("q"));
    await(consumer.cancel());
    await(broker.deleteQueue(V, "q", true, false));
    assertFalse(node.exists("q"));
  }

  @Test
  void aQueueWithMessagesIsNotEmpty() {
    await(broker.declareQueue(Queue.durable(V, "q")));
    await(broker.publish(V, persistent("", "q", "m"), true));
    assertEquals(ErrorCode.IN_USE, failure(broker.deleteQueue(V, "q", false, true)));
    assertEquals(1L, await(broker.purgeQueue(V, "q")));
    assertEquals(0L, await(broker.deleteQueue(V, "q", false, true)));
    assertFalse(node.exists("q"));
  }

  @Test
  void deletingAQueueCompletesWithHowManyMessagesItHeldAndEndsItsConsumers() {
    await(broker.declareQueue(Queue.durable(V, "q")));
    await(broker.publish(V, persistent("", "q", "a"), true));
    await(broker.publish(V, persistent("", "q", "b"), true));
    var ended = new CompletableFuture<String>();
    await(broker.consume(V, "q", ConsumeOptions.of(1, AckMode.CLIENT), d -> { })).endHandler(ended::complete);
    assertEquals(2L, await(broker.deleteQueue(V, "q", false, false)));
    assertFalse(node.exists("q"));
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(ended::isDone);
  }

  @Test
  void deletingAVhostDeletesEverythingInIt() {
    await(broker.declareVhost("shop"));
    await(broker.declareQueue(Queue.durable("shop", "q")));
    await(broker.declareExchange(Exchange.of("shop", "x", ExchangeType.FANOUT)));
    await(broker.bind(Binding.toQueue("shop", "x", "q", "")));
    await(broker.deleteVhost("shop"));
    assertFalse(broker.vhosts().contains("shop"));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.queueInfo("shop", "q")));
    await(broker.declareVhost("shop"));
    assertEquals(List.of(), broker.queues("shop"));
    assertEquals(ErrorCode.NOT_FOUND, StandaloneBroker.thrown(() -> broker.exchange("shop", "x")));
  }
}
