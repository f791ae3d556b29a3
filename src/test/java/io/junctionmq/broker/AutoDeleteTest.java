package io.junctionmq.broker;

import static io.junctionmq.broker.StandaloneBroker.V;
import static io.junctionmq.broker.StandaloneBroker.await;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Binding;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An auto-delete queue goes when its last consumer leaves (never before it had one); an
 * auto-delete exchange goes when its last binding does.
 */
class AutoDeleteTest {
  private static final Queue TEMP = new Queue(V, "temp", false, false, true, Map.of());
  private static final Exchange EPHEMERAL = new Exchange(V, "ephemeral", ExchangeType.FANOUT, false, true, false,
      Map.of());
  private static final ConsumeOptions AUTO = ConsumeOptions.of(10, AckMode.AUTO);
  @RegisterExtension
  final StandaloneBroker node = new StandaloneBroker();
  private final Broker broker = node.broker();

  @Test
  void anAutoDeleteQueueIsNotDeletedBeforeItsFirstConsumer() {
    await(broker.declareQueue(TEMP));
    await(broker.publish(V, StandaloneBroker.persistent("", "temp", "m"), true));
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> node.exists("temp"));
  }

  @Test
  void anAutoDeleteQueueIsDeletedWhenItsLastConsumerLeaves() {
    await(broker.declareQueue(TEMP));
    Consumer first = await(broker.consume(V, "temp", AUTO, d -> { }));
    Consumer second = await(broker.consume(V, "temp", AUTO, d -> { }));
    await(first.cancel());
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(2)).until(() -> node.exists("temp"));
    await(second.cancel());
    await().atMost(Duration.ofSeconds(2)).until(() -> !node.exists("temp"));
  }

  @Test
  void anAutoDeleteQueueIsDeletedWhenTheConnectionOfItsLastConsumerCloses() {
    await(broker.declareQueue(TEMP));
    Connection c = broker.connect(ClientInfo.of("test", "c", null));
    await(c.consume(V, "temp", AUTO, d -> { }));
    await(c.close("the test closed it"));
    await().atMost(Duration.ofSeconds(2)).until(() -> !node.exists("temp"));
  }

  @Test
  void aQueueThatIsNotAutoDeleteOutlivesItsConsumers() {
    await(broker.declareQueue(Queue.durable(V, "kept")));
    await(await(broker.consume(V, "kept", AUTO, d -> { })).cancel());
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> node.exists("kept"));
  }

  @Test
  void anAutoDeleteExchangeIsDeletedWhenItsLastBindingIsRemoved() {
    await(broker.declareExchange(EPHEMERAL));
    await(broker.declareQueue(Queue.durable(V, "a")));
    await(broker.declareQueue(Queue.durable(V, "b")));
    await(broker.bind(Binding.toQueue(V, "ephemeral", "a", "")));
    await(broker.bind(Binding.toQueue(V, "ephemeral", "b", "")));
    await(broker.unbind(Binding.toQueue(V, "ephemeral", "a", "")));
    assertNotNull(broker.exchange(V, "ephemeral"));
    await(broker.unbind(Binding.toQueue(V, "ephemeral", "b", "")));
    assertEquals(ErrorCode.NOT_FOUND, StandaloneBroker.thrown(() -> broker.exchange(V, "ephemeral")));
  }

  @Test
  void anAutoDeleteExchangeIsDeletedWhenTheQueueOfItsLastBindingIsDeleted() {
    await(broker.declareExchange(EPHEMERAL));
    await(broker.declareQueue(Queue.durable(V, "a")));
    await(broker.bind(Binding.toQueue(V, "ephemeral", "a", "")));
    await(broker.deleteQueue(V, "a", false, false));
    assertEquals(ErrorCode.NOT_FOUND, StandaloneBroker.thrown(() -> broker.exchange(V, "ephemeral")));
  }

  @Test
  void anAutoDeleteExchangeWithoutBindingsYetIsKept() {
    assertEquals(EPHEMERAL, await(broker.declareExchange(EPHEMERAL)));
    assertEquals(EPHEMERAL, broker.exchange(V, "ephemeral"));
  }

  @Test
  void anExchangeThatIsNotAutoDeleteOutlivesItsBindings() {
    await(broker.declareExchange(Exchange.of(V, "kept", ExchangeType.FANOUT)));
    await(broker.declareQueue(Queue.durable(V, "a")));
    await(broker.bind(Binding.toQueue(V, "kept", "a", "")));
    await(broker.unbind(Binding.toQueue(V, "kept", "a", "")));
    assertTrue(broker.exchanges(V).stream().anyMatch(x -> x.name().equals("kept")));
  }
}
