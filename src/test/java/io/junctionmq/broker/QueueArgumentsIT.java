package io.junctionmq.broker;

import static io.junctionmq.broker.BrokerIT.body;
import static io.junctionmq.broker.BrokerIT.failure;
import static io.junctionmq.broker.BrokerIT.persistent;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.model.AckMode;
import io.junctionmq.transport.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Queue x-arguments end to end on a real PostgreSQL: TTL, dead letters, length limits. */
class QueueArgumentsIT {
  private static final String V = "/";
  private TestNode node;
  private Broker broker;

  @BeforeEach
  void start() {
    node = TestNode.start(Map.of("node.id", "args-node", "queue.window.messages", 10));
    broker = node.broker();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  /** A fanout exchange {@code dlx} into a durable queue {@code dead}. */
  private void deadLetterQueue() {
    broker.declareExchange(Exchange.of(V, "dlx", ExchangeType.FANOUT)).await();
    broker.declareQueue(Queue.durable(V, "dead")).await();
    broker.bind(Binding.toQueue(V, "dlx", "dead", "")).await();
  }

  private long ready(String queue) {
    return broker.queueInfo(V, queue).await().stats().messagesReady();
  }

  @Test
  void expiredMessagesAreDeadLetteredWithTheirReason() {
    deadLetterQueue();
    broker.declareQueue(new Queue(V, "work", true, false, false,
        Map.of("x-message-ttl", 200, "x-dead-letter-exchange", "dlx"))).await();
    for (int i = 0; i < 25; i++) {
      broker.publish(V, persistent("", "work", "m" + i), false).await();
    }
    // 25 messages with a window of 10: the tail expires as it is paged in.
    await().atMost(Duration.ofSeconds(10)).until(() -> ready("dead") == 25);
    assertEquals(0, ready("work"));
    var got = new CopyOnWriteArrayList<Delivery>();
    broker.consume(V, "dead", ConsumeOptions.of(100, AckMode.AUTO), got::add).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 25);
    assertEquals("m0", body(got.get(0)));
    var headers = got.get(0).message().properties().headers();
    assertEquals("expired", headers.get("x-first-death-reason"));
    assertEquals("work", headers.get("x-first-death-queue"));
  }

  @Test
  void aMessageExpiresOnTimeAfterARestart() {
    deadLetterQueue();
    broker.declareQueue(new Queue(V, "work", true, false, false,
        Map.of("x-message-ttl", 1500, "x-dead-letter-exchange", "dlx"))).await();
    for (int i = 0; i < 20; i++) {
      broker.publish(V, persistent("", "work", "m" + i), false).await();
    }
    node.restart();
    broker = node.broker();
    assertEquals(20, ready("work") + ready("dead"));
    await().atMost(Duration.ofSeconds(10)).until(() -> ready("dead") == 20);
    assertEquals(0, ready("work"));
  }

  @Test
  void aRejectedMessageIsDeadLetteredToTheRoutingKeyAsked() {
    broker.declareExchange(Exchange.of(V, "dlx", ExchangeType.DIRECT)).await();
    broker.declareQueue(Queue.durable(V, "parked")).await();
    broker.bind(Binding.toQueue(V, "dlx", "parked", "parked")).await();
    broker.declareQueue(new Queue(V, "work", true, false, false,
        Map.of("x-dead-letter-exchange", "dlx", "x-dead-letter-routing-key", "parked"))).await();
    broker.publish(V, persistent("", "work", "bad"), false).await();
    var got = new CopyOnWriteArrayList<Delivery>();
    var consumer = broker.consume(V, "work", ConsumeOptions.of(1, AckMode.CLIENT_INDIVIDUAL), got::add).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
    consumer.nack(got.get(0).deliveryTag(), false, false).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> ready("parked") == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> broker.queueInfo(V, "work").await().stats().messages() == 0);
  }

  @Test
  void rejectPublishRefusesPublishesPastTheLimit() {
    broker.declareQueue(new Queue(V, "small", true, false, false,
        Map.of("x-max-length", 2, "x-overflow", "reject-publish"))).await();
    broker.publish(V, persistent("", "small", "1"), false).await();
    broker.publish(V, persistent("", "small", "2"), false).await();
    var e = failure(broker.publish(V, persistent("", "small", "3"), false));
    assertEquals(ErrorCode.QUEUE_FULL, e.code());
    assertEquals(2, ready("small"));
  }

  @Test
  void dropHeadKeepsTheNewestMessages() {
    broker.declareQueue(new Queue(V, "latest", true, false, false, Map.of("x-max-length", 3))).await();
    for (int i = 0; i < 30; i++) {
      broker.publish(V, persistent("", "latest", "m" + i), false).await();
    }
    var got = new CopyOnWriteArrayList<Delivery>();
    broker.consume(V, "latest", ConsumeOptions.of(100, AckMode.AUTO), got::add).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
    assertEquals(List.of("m27", "m28", "m29"), got.stream().map(BrokerIT::body).toList());
  }

  @Test
  void aBadExpirationIsRefusedWhereThePropertiesAreBuiltAndTheLargestGoodOneIsPublished() {
    var e = assertThrows(JunctionException.class, () -> MessageProperties.builder().expiration("tomorrow").build());
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    broker.declareQueue(Queue.durable(V, "q")).await();
    var props = MessageProperties.builder().expiration(Integer.toString(Integer.MAX_VALUE)).build();
    var r = broker.publish(V, new Message("", "q", props, "x".getBytes(StandardCharsets.UTF_8)), false).await();
    assertEquals(1, r.queues());
    assertEquals(1, broker.queueInfo(V, "q").await().stats().messagesReady());
  }

  @Test
  void anUnusedQueueExpiresButNotWhileConsumed() {
    broker.declareQueue(new Queue(V, "idle", true, false, false, Map.of("x-expires", 300))).await();
    broker.declareQueue(new Queue(V, "busy", true, false, false, Map.of("x-expires", 300))).await();
    var consumer = broker.consume(V, "busy", ConsumeOptions.of(1, AckMode.AUTO), d -> { }).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> broker.queues(V).stream().noneMatch(q -> q.queue().name().equals("idle")));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.queueInfo(V, "idle")).code());
    assertEquals(1, broker.queueInfo(V, "busy").await().stats().consumers(), "a consumed queue stays");
    consumer.cancel().await();
    await().atMost(Duration.ofSeconds(5)).until(() -> broker.queues(V).stream().noneMatch(q -> q.queue().name().equals("busy")));
  }

  @Test
  void priorityQueuesAreNotBuiltYet() {
    var e = failure(broker.declareQueue(new Queue(V, "p", true, false, false, Map.of("x-max-priority", 5))));
    assertEquals(ErrorCode.NOT_IMPLEMENTED, e.code());
  }
}
