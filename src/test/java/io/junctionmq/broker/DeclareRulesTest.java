package io.junctionmq.broker;

import static io.junctionmq.broker.StandaloneBroker.V;
import static io.junctionmq.broker.StandaloneBroker.await;
import static io.junctionmq.broker.StandaloneBroker.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Binding;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Declaring is idempotent for the same attributes and refused for others; names are checked,
 * and the {@code amq.} prefix is reserved for the predeclared exchanges (and refused for queues).
 */
class DeclareRulesTest {
  private static final Queue QUEUE = new Queue(V, "q", true, false, false, Map.of("x-message-ttl", 60_000));
  private static final Exchange EXCHANGE = new Exchange(V, "x", ExchangeType.DIRECT, true, false, false,
      Map.of(Exchange.ALTERNATE_EXCHANGE, "ae"));
  @RegisterExtension
  final StandaloneBroker node = new StandaloneBroker();
  private final Broker broker = node.broker();

  @Test
  void redeclaringAQueueWithTheSameAttributesReturnsTheSameQueue() {
    QueueInfo first = await(broker.declareQueue(QUEUE));
    // An int and a long argument of the same value are the same argument.
    QueueInfo again = await(broker.declareQueue(new Queue(V, "q", true, false, false, Map.of("x-message-ttl", 60_000L))));
    assertEquals(first.id(), again.id());
    assertEquals(QUEUE, again.queue());
    assertEquals(1, broker.queues(V).size());
  }

  @Test
  void redeclaringAQueueWithOtherAttributesFailsPreconditionFailedAndChangesNothing() {
    long id = await(broker.declareQueue(QUEUE)).id();
    Connection c = broker.connect(ClientInfo.of("test", "c", null));
    assertEquals(ErrorCode.PRECONDITION_FAILED, failure(broker.declareQueue(
        new Queue(V, "q", false, false, false, QUEUE.arguments()))));
    assertEquals(ErrorCode.PRECONDITION_FAILED, failure(c.declareQueue(
        new Queue(V, "q", true, true, false, QUEUE.arguments()))));
    assertEquals(ErrorCode.PRECONDITION_FAILED, failure(broker.declareQueue(
        new Queue(V, "q", true, false, true, QUEUE.arguments()))));
    assertEquals(ErrorCode.PRECONDITION_FAILED, failure(broker.declareQueue(
        new Queue(V, "q", true, false, false, Map.of("x-message-ttl", 1000)))));
    assertEquals(ErrorCode.PRECONDITION_FAILED, failure(broker.declareQueue(Queue.durable(V, "q"))));
    QueueInfo kept = await(broker.queueInfo(V, "q"));
    assertEquals(id, kept.id());
    assertEquals(QUEUE, kept.queue());
  }

  @Test
  void redeclaringAnExchangeWithTheSameAttributesReturnsIt() {
    assertEquals(EXCHANGE, await(broker.declareExchange(EXCHANGE)));
    assertEquals(EXCHANGE, await(broker.declareExchange(new Exchange(V, "x", ExchangeType.DIRECT, true, false, false,
        Map.of(Exchange.ALTERNATE_EXCHANGE, "ae")))));
    assertEquals(EXCHANGE, broker.exchange(V, "x"));
  }

  @Test
  void redeclaringAnExchangeWithOtherAttributesFailsPreconditionFailedAndChangesNothing() {
    await(broker.declareExchange(EXCHANGE));
    for (Exchange other : new Exchange[] {
        new Exchange(V, "x", ExchangeType.TOPIC, true, false, false, EXCHANGE.arguments()),
        new Exchange(V, "x", ExchangeType.DIRECT, false, false, false, EXCHANGE.arguments()),
        new Exchange(V, "x", ExchangeType.DIRECT, true, true, false, EXCHANGE.arguments()),
        new Exchange(V, "x", ExchangeType.DIRECT, true, false, true, EXCHANGE.arguments()),
        new Exchange(V, "x", ExchangeType.DIRECT, true, false, false, Map.of())}) {
      assertEquals(ErrorCode.PRECONDITION_FAILED, failure(broker.declareExchange(other)), other.toString());
    }
    assertEquals(EXCHANGE, broker.exchange(V, "x"));
  }

  @Test
  void aPredeclaredExchangeMayBeRedeclaredAsItIsButNotOtherwise() {
    Exchange direct = broker.exchange(V, "amq.direct");
    assertEquals(direct, await(broker.declareExchange(Exchange.of(V, "amq.direct", ExchangeType.DIRECT))));
    assertEquals(broker.exchange(V, ""), await(broker.declareExchange(Exchange.of(V, "", ExchangeType.DIRECT))));
    assertEquals(ErrorCode.PRECONDITION_FAILED,
        failure(broker.declareExchange(Exchange.of(V, "amq.direct", ExchangeType.FANOUT))));
    assertEquals(ErrorCode.PRECONDITION_FAILED, failure(broker.declareExchange(Exchange.of(V, "", ExchangeType.TOPIC))));
  }

  @Test
  void anExchangeNameWithTheReservedPrefixIsRefused() {
    assertEquals(ErrorCode.ACCESS_REFUSED, failure(broker.declareExchange(Exchange.of(V, "amq.mine", ExchangeType.TOPIC))));
    assertEquals(ErrorCode.NOT_FOUND, StandaloneBroker.thrown(() -> broker.exchange(V, "amq.mine")));
  }

  @Test
  void aQueueNameWithTheReservedPrefixIsRefused() {
    assertEquals(ErrorCode.ACCESS_REFUSED, failure(broker.declareQueue(Queue.durable(V, "amq.mine"))));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.queueInfo(V, "amq.mine")));
  }

  @Test
  void everyVhostHasThePredeclaredExchanges() {
    await(broker.declareVhost("shop"));
    assertEquals(List.of("", "amq.direct", "amq.fanout", "amq.headers", "amq.match", "amq.topic"),
        broker.exchanges("shop").stream().map(Exchange::name).toList());
  }

  @Test
  void aNameMustHaveOneTo255Characters() {
    String longest = "n".repeat(255);
    String tooLong = "n".repeat(256);
    await(broker.declareQueue(Queue.durable(V, longest)));
    await(broker.declareExchange(Exchange.of(V, longest, ExchangeType.FANOUT)));
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.declareQueue(Queue.durable(V, tooLong))));
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.declareQueue(Queue.durable(V, ""))));
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.declareQueue(Queue.durable(V, " "))));
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.declareExchange(Exchange.of(V, tooLong, ExchangeType.FANOUT))));
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.declareExchange(Exchange.of(V, " ", ExchangeType.FANOUT))));
    assertEquals(List.of(longest), broker.queues(V).stream().map(q -> q.queue().name()).toList());
  }

  @Test
  void badQueueArgumentsAreRefusedInvalidArgument() {
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.declareQueue(
        new Queue(V, "q", true, false, false, Map.of("x-expires", 0)))));
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.declareQueue(
        new Queue(V, "q", true, false, false, Map.of("x-max-length", "lots")))));
    assertEquals(List.of(), broker.queues(V));
  }

  @Test
  void everythingInAnUnknownVhostIsNotFound() {
    String u = "nowhere";
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.declareQueue(Queue.durable(u, "q"))));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.connect(ClientInfo.of("test", "c", null)).declareQueue(Queue.durable(u, "q"))));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.declareExchange(Exchange.of(u, "x", ExchangeType.FANOUT))));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.deleteQueue(u, "q", false, false)));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.deleteExchange(u, "x", false)));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.purgeQueue(u, "q")));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.queueInfo(u, "q")));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.bind(Binding.toQueue(u, "amq.direct", "q", ""))));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.unbind(Binding.toQueue(u, "amq.direct", "q", ""))));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.publish(u, StandaloneBroker.persistent("", "q", "m"), false)));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.consume(u, "q", ConsumeOptions.of(1, AckMode.AUTO),
        d -> { })));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.deleteVhost(u)));
    assertEquals(ErrorCode.NOT_FOUND, StandaloneBroker.thrown(() -> broker.exchange(u, "amq.direct")));
    assertEquals(ErrorCode.NOT_FOUND, StandaloneBroker.thrown(() -> broker.exchanges(u)));
    assertEquals(ErrorCode.NOT_FOUND, StandaloneBroker.thrown(() -> broker.queues(u)));
    assertEquals(ErrorCode.NOT_FOUND, StandaloneBroker.thrown(() -> broker.bindings(u)));
  }
}
