package io.junctionmq.broker;

import static io.junctionmq.broker.StandaloneBroker.V;
import static io.junctionmq.broker.StandaloneBroker.await;
import static io.junctionmq.broker.StandaloneBroker.persistent;
import static io.junctionmq.broker.StandaloneBroker.transientMessage;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A broker restarted on the same stores keeps its durable queues, exchanges, bindings and
 * persistent messages, and drops non-durable and exclusive queues and non-durable exchanges, as in
 * RabbitMQ.
 */
class BrokerRestartTest {
  @RegisterExtension
  final StandaloneBroker node = new StandaloneBroker();

  private Broker broker() {
    return node.broker();
  }

  @Test
  void durableQueuesExchangesAndBindingsSurviveWithTheirIds() {
    var exchange = new Exchange(V, "orders", ExchangeType.TOPIC, true, false, false, Map.of("alternate-exchange", "ae"));
    var queue = new Queue(V, "billing", true, false, false, Map.of("x-message-ttl", 60_000));
    var binding = Binding.toQueue(V, "orders", "billing", "order.#");
    var chained = Binding.toExchange(V, "amq.topic", "orders", "#");
    await(broker().declareExchange(exchange));
    long id = await(broker().declareQueue(queue)).id();
    await(broker().bind(binding));
    await(broker().bind(chained));

    node.restart();

    assertEquals(exchange, broker().exchange(V, "orders"));
    QueueInfo info = await(broker().queueInfo(V, "billing"));
    assertEquals(queue, info.queue());
    assertEquals(id, info.id());
    assertTrue(broker().bindings(V).containsAll(List.of(binding, chained)), broker().bindings(V).toString());
    assertEquals(1, await(broker().publish(V, persistent("amq.topic", "order.eu", "routed"), true)).queues());
  }

  @Test
  void persistentMessagesOfADurableQueueSurviveAndTransientOnesDoNot() {
    await(broker().declareQueue(Queue.durable(V, "work")));
    await(broker().publish(V, persistent("", "work", "one"), true));
    await(broker().publish(V, transientMessage("", "work", "lost"), true));
    await(broker().publish(V, persistent("", "work", "two"), true));

    node.restart();

    assertEquals(2, await(broker().queueInfo(V, "work")).stats().messages());
    var got = new CopyOnWriteArrayList<Delivery>();
    await(broker().consume(V, "work", ConsumeOptions.of(10, AckMode.AUTO), got::add));
    await().atMost(Duration.ofSeconds(2)).until(() -> got.size() == 2);
    assertEquals(List.of("one", "two"),
        got.stream().map(d -> new String(d.message().body(), StandardCharsets.UTF_8)).toList());
    assertFalse(got.get(0).redelivered(), "never delivered before the clean stop");
  }

  @Test
  void nonDurableAndExclusiveQueuesAndTheirBindingsAreDropped() {
    Connection c = broker().connect(ClientInfo.of("test", "c", null));
    await(broker().declareQueue(Queue.transientQueue(V, "transient")));
    await(c.declareQueue(new Queue(V, "exclusive", true, true, false, Map.of())));
    await(broker().declareQueue(Queue.durable(V, "durable")));
    await(broker().bind(Binding.toQueue(V, "amq.direct", "transient", "k")));
    await(broker().bind(Binding.toQueue(V, "amq.direct", "exclusive", "k")));
    await(broker().bind(Binding.toQueue(V, "amq.direct", "durable", "k")));
    await(broker().publish(V, persistent("amq.direct", "k", "m"), true));

    node.restart();

    assertEquals(List.of("durable"), broker().queues(V).stream().map(q -> q.queue().name()).toList());
    assertEquals(List.of(Binding.toQueue(V, "amq.direct", "durable", "k")),
        broker().bindings(V).stream().filter(b -> b.source().equals("amq.direct")).toList());
    await(broker().declareQueue(Queue.transientQueue(V, "transient")));
    assertEquals(0, await(broker().queueInfo(V, "transient")).stats().messages(), "a new queue, empty");
  }

  @Test
  void nonDurableExchangesAndTheirBindingsAreDroppedWhenTheNodeStartsAlone() {
    await(broker().declareExchange(new Exchange(V, "transient", ExchangeType.FANOUT, false, false, false, Map.of())));
    await(broker().declareExchange(Exchange.of(V, "durable", ExchangeType.FANOUT)));
    await(broker().declareQueue(Queue.durable(V, "q")));
    await(broker().bind(Binding.toQueue(V, "transient", "q", "")));
    await(broker().bind(Binding.toExchange(V, "durable", "transient", "")));
    await(broker().bind(Binding.toQueue(V, "durable", "q", "")));

    node.restart();
    node.restart();

    var names = broker().exchanges(V).stream().map(Exchange::name).toList();
    assertTrue(names.contains("durable") && !names.contains("transient"), names.toString());
    assertEquals(List.of(Binding.toQueue(V, "durable", "q", "")),
        broker().bindings(V).stream().filter(b -> !b.source().isEmpty()).toList());
  }

  @Test
  void vhostsSurviveWithTheirPredeclaredExchangesAndBindingsFromThem() {
    await(broker().declareVhost("shop"));
    await(broker().declareQueue(Queue.durable("shop", "q")));
    await(broker().bind(Binding.toQueue("shop", "amq.fanout", "q", "")));

    node.restart();

    assertEquals(List.of("/", "shop"), broker().vhosts());
    assertEquals(1, await(broker().publish("shop", persistent("amq.fanout", "", "m"), true)).queues());
  }

  @Test
  void aSecondRestartFindsWhatTheFirstRecovered() {
    await(broker().declareQueue(Queue.durable(V, "q")));
    await(broker().publish(V, persistent("", "q", "m"), true));
    node.restart();
    node.restart();
    assertEquals(1, await(broker().queueInfo(V, "q")).stats().messages());
  }
}
