package io.junctionmq.broker;

import static io.junctionmq.broker.StandaloneBroker.V;
import static io.junctionmq.broker.StandaloneBroker.await;
import static io.junctionmq.broker.StandaloneBroker.failure;
import static io.junctionmq.broker.StandaloneBroker.persistent;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bindings need both their ends; binding and unbinding are idempotent. */
class BindingRulesTest {
  @RegisterExtension
  final StandaloneBroker node = new StandaloneBroker();
  private final Broker broker = node.broker();

  @BeforeEach
  void start() {
    await(broker.declareExchange(Exchange.of(V, "x", ExchangeType.DIRECT)));
    await(broker.declareQueue(Queue.durable(V, "q")));
  }

  private List<Binding> bindingsOf(String exchange) {
    return broker.bindings(V).stream().filter(b -> b.source().equals(exchange)).toList();
  }

  @Test
  void aBindingWithAMissingEndIsNotFound() {
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.bind(Binding.toQueue(V, "missing", "q", "k"))));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.bind(Binding.toQueue(V, "x", "missing", "k"))));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.bind(Binding.toExchange(V, "x", "missing", "k"))));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.unbind(Binding.toQueue(V, "x", "missing", "k"))));
    assertEquals(List.of(), bindingsOf("x"));
  }

  @Test
  void theDefaultExchangeCannotBeBound() {
    assertEquals(ErrorCode.ACCESS_REFUSED, failure(broker.bind(Binding.toQueue(V, "", "q", "k"))));
    assertEquals(ErrorCode.ACCESS_REFUSED, failure(broker.unbind(Binding.toQueue(V, "", "q", "q"))));
    assertEquals(List.of(), bindingsOf(""));
  }

  @Test
  void bindingTwiceIsANoOp() {
    var binding = Binding.toQueue(V, "x", "q", "k");
    await(broker.bind(binding));
    await(broker.bind(binding));
    assertEquals(List.of(binding), bindingsOf("x"));
    assertEquals(1, await(broker.publish(V, persistent("x", "k", "once"), true)).queues());
    assertEquals(1, await(broker.queueInfo(V, "q")).stats().messages());
  }

  @Test
  void unbindingAMissingBindingIsANoOp() {
    var kept = Binding.toQueue(V, "x", "q", "k");
    await(broker.bind(kept));
    await(broker.unbind(Binding.toQueue(V, "x", "q", "other")));
    await(broker.unbind(kept));
    await(broker.unbind(kept));
    assertEquals(List.of(), bindingsOf("x"));
    assertEquals(ErrorCode.NO_ROUTE, failure(broker.publish(V, persistent("x", "k", "m"), true)));
  }

  @Test
  void deletingAQueueRemovesItsBindings() {
    await(broker.declareQueue(Queue.durable(V, "other")));
    await(broker.bind(Binding.toQueue(V, "x", "q", "k")));
    await(broker.bind(Binding.toQueue(V, "amq.topic", "q", "#")));
    await(broker.bind(Binding.toQueue(V, "x", "other", "k")));
    await(broker.deleteQueue(V, "q", false, false));
    assertEquals(List.of(Binding.toQueue(V, "x", "other", "k")),
        broker.bindings(V).stream().filter(b -> !b.source().isEmpty()).toList());
    await(broker.declareQueue(Queue.durable(V, "q")));
    assertEquals(1, await(broker.publish(V, persistent("x", "k", "m"), true)).queues(),
        "a new queue of the same name has none of the old one's bindings");
  }

  @Test
  void anExchangeBoundToAnExchangeRoutesThroughIt() {
    await(broker.declareExchange(Exchange.of(V, "front", ExchangeType.FANOUT)));
    await(broker.bind(Binding.toExchange(V, "front", "x", "")));
    await(broker.bind(Binding.toQueue(V, "x", "q", "k")));
    assertEquals(1, await(broker.publish(V, persistent("front", "k", "m"), true)).queues());
    assertEquals(ErrorCode.NO_ROUTE, failure(broker.publish(V, persistent("front", "other", "m"), true)));
    assertEquals(1, await(broker.queueInfo(V, "q")).stats().messages());
  }

  @Test
  void deletingAnExchangeRemovesTheBindingsFromAndToIt() {
    await(broker.declareExchange(Exchange.of(V, "front", ExchangeType.FANOUT)));
    await(broker.bind(Binding.toExchange(V, "front", "x", "")));
    await(broker.bind(Binding.toQueue(V, "x", "q", "k")));
    await(broker.bind(Binding.toQueue(V, "front", "q", "")));
    await(broker.deleteExchange(V, "x", false));
    assertEquals(List.of(Binding.toQueue(V, "front", "q", "")),
        broker.bindings(V).stream().filter(b -> !b.source().isEmpty()).toList());
  }
}
