package io.junctionmq.broker;

import static io.junctionmq.broker.StandaloneBroker.V;
import static io.junctionmq.broker.StandaloneBroker.await;
import static io.junctionmq.broker.StandaloneBroker.failure;
import static io.junctionmq.broker.StandaloneBroker.persistent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link Broker#get}, AMQP's basic.get: one message from the head of a queue, held or settled. */
class GetTest {
  @RegisterExtension
  final StandaloneBroker node = new StandaloneBroker();
  private final Broker broker = node.broker();

  @BeforeEach
  void start() {
    await(broker.declareQueue(Queue.durable(V, "q")));
  }

  private void publish(String... bodies) {
    for (String b : bodies) {
      await(broker.publish(V, persistent("", "q", b), true));
    }
  }

  private static String body(GetResult g) {
    return new String(g.delivery().message().body(), StandardCharsets.UTF_8);
  }

  private long ready() {
    return await(broker.queueInfo(V, "q")).stats().messagesReady();
  }

  @Test
  void anEmptyQueueGivesNothingAtOnce() {
    GetResult g = await(broker.get(V, "q", false));
    assertTrue(g.isEmpty());
    assertEquals(0, g.messageCount());
    assertEquals(ErrorCode.PRECONDITION_FAILED, failure(g.ack()));
  }

  @Test
  void heldGetsTakeTheHeadInTurnAndSayHowManyAreLeft() {
    publish("m0", "m1", "m2");
    GetResult first = await(broker.get(V, "q", false));
    GetResult second = await(broker.get(V, "q", false));
    assertEquals("m0", body(first));
    assertEquals(2, first.messageCount());
    assertEquals("m1", body(second));
    assertEquals(1, second.messageCount());
    assertFalse(first.delivery().redelivered());
    var stats = await(broker.queueInfo(V, "q")).stats();
    assertEquals(1, stats.messagesReady());
    assertEquals(2, stats.messagesUnacknowledged());
    assertEquals(0, stats.consumers(), "a get is not a consumer");

    await(first.ack());
    await(second.ack());
    assertEquals(1, await(broker.queueInfo(V, "q")).stats().messages());
  }

  @Test
  void aRequeuedGetComesBackToItsPlaceFlaggedRedelivered() {
    publish("m0", "m1");
    GetResult taken = await(broker.get(V, "q", false));
    await(taken.nack(true));
    GetResult again = await(broker.get(V, "q", true));
    assertEquals("m0", body(again));
    assertTrue(again.delivery().redelivered());
    assertEquals(2, again.delivery().deliveryCount());
  }

  @Test
  void anAutoAckGetRemovesTheMessageAndCannotBeSettledAgain() {
    publish("m0");
    GetResult g = await(broker.get(V, "q", true));
    assertEquals("m0", body(g));
    assertEquals(0, await(broker.queueInfo(V, "q")).stats().messages());
    assertEquals(ErrorCode.PRECONDITION_FAILED, failure(g.nack(true)));
  }

  @Test
  void aRejectedGetIsDeadLetteredWhenTheQueueHasADeadLetterExchange() {
    await(broker.declareExchange(Exchange.of(V, "dlx", ExchangeType.FANOUT)));
    await(broker.declareQueue(Queue.durable(V, "dead")));
    await(broker.bind(io.junctionmq.model.Binding.toQueue(V, "dlx", "dead", "")));
    await(broker.declareQueue(new Queue(V, "lettered", true, false, false, Map.of("x-dead-letter-exchange", "dlx"))));
    await(broker.publish(V, persistent("", "lettered", "bad"), true));

    await(await(broker.get(V, "lettered", false)).nack(false));

    assertEquals(0, await(broker.queueInfo(V, "lettered")).stats().messages());
    GetResult letter = await(broker.get(V, "dead", true));
    assertEquals("bad", new String(letter.delivery().message().body(), StandardCharsets.UTF_8));
  }

  @Test
  void aGetDoesNotTakeWhatAConsumerHolds() {
    publish("m0", "m1");
    var held = await(broker.consume(V, "q", ConsumeOptions.of(1, AckMode.CLIENT_INDIVIDUAL), d -> { }));
    org.awaitility.Awaitility.await().until(() -> ready() == 1);
    GetResult g = await(broker.get(V, "q", true));
    assertEquals("m1", body(g));
    assertTrue(await(broker.get(V, "q", true)).isEmpty());
    await(held.cancel());
    assertEquals(1, ready(), "the consumer's message went back");
  }

  @Test
  void anUnknownQueueOrVhostIsNotFound() {
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.get(V, "none", true)));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.get("nowhere", "q", true)));
  }
}
