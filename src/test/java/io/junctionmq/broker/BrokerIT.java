package io.junctionmq.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.Junction;
import io.junctionmq.config.JunctionConfig;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.store.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The broker on a real PostgreSQL, through its Java API. */
class BrokerIT {
  private static final String V = "/";
  private Vertx vertx;
  private String pgUri;
  private Junction junction;
  private Broker broker;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    pgUri = TestPostgres.newDatabase();
    junction = startNode();
    broker = junction.broker();
  }

  @AfterEach
  void stop() {
    if (junction != null) {
      junction.close().await();
    }
    vertx.close().await();
  }

  private Junction startNode() {
    var config = JunctionConfig.defaults().with("pg.uri", pgUri).with("http.port", 0).with("stomp.port", 0).with("node.id", "it-node");
    return Junction.start(vertx, config).await();
  }

  private void restart() {
    junction.close().await();
    junction = startNode();
    broker = junction.broker();
  }

  static Message persistent(String exchange, String key, String body) {
    return new Message(exchange, key, MessageProperties.PERSISTENT, body.getBytes(StandardCharsets.UTF_8));
  }

  static String body(Delivery d) {
    return new String(d.message().body(), StandardCharsets.UTF_8);
  }

  static <T> JunctionException failure(Future<T> f) {
    var e = assertThrows(Exception.class, f::await);
    Throwable cause = e instanceof JunctionException ? e : e.getCause();
    assertTrue(cause instanceof JunctionException, "expected a JunctionException, got " + e);
    return (JunctionException) cause;
  }

  @Test
  void defaultExchangeRoutesToTheQueueNamedByTheRoutingKey() {
    broker.declareQueue(Queue.durable(V, "work")).await();
    var result = broker.publish(V, persistent("", "work", "hello"), false).await();
    assertEquals(1, result.queues());
    var got = new CopyOnWriteArrayList<Delivery>();
    var consumer = broker.consume(V, "work", ConsumeOptions.of(10, AckMode.CLIENT_INDIVIDUAL), got::add).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
    assertEquals("hello", body(got.get(0)));
    assertFalse(got.get(0).redelivered());
    consumer.ack(got.get(0).deliveryTag(), false).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> broker.queueInfo(V, "work").await().stats().messages() == 0);
  }

  @Test
  void aSecondConsumerWithATagInUseIsRefusedAndTheFirstGoesOn() {
    broker.declareQueue(Queue.durable(V, "tagged")).await();
    var got = new CopyOnWriteArrayList<Delivery>();
    broker.consume(V, "tagged", new ConsumeOptions("t1", 10, AckMode.AUTO), got::add).await();
    var refused = failure(broker.consume(V, "tagged", new ConsumeOptions("t1", 10, AckMode.AUTO), d -> { }));
    assertEquals(ErrorCode.PRECONDITION_FAILED, refused.code());
    assertEquals(1, broker.queueInfo(V, "tagged").await().stats().consumers());
    broker.publish(V, persistent("", "tagged", "after"), false).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
    assertEquals("after", body(got.get(0)));
  }

  @Test
  void topicExchangeRoutesThroughBindingsAndFanoutCopiesToEveryQueue() {
    broker.declareExchange(Exchange.of(V, "logs", ExchangeType.TOPIC)).await();
    broker.declareExchange(Exchange.of(V, "all", ExchangeType.FANOUT)).await();
    for (String q : List.of("errors", "everything", "copy1", "copy2")) {
      broker.declareQueue(Queue.durable(V, q)).await();
    }
    broker.bind(Binding.toQueue(V, "logs", "errors", "*.error")).await();
    broker.bind(Binding.toQueue(V, "logs", "everything", "#")).await();
    broker.bind(Binding.toExchange(V, "logs", "all", "audit.#")).await();
    broker.bind(Binding.toQueue(V, "all", "copy1", "")).await();
    broker.bind(Binding.toQueue(V, "all", "copy2", "")).await();

    assertEquals(2, broker.publish(V, persistent("logs", "app.error", "e"), false).await().queues());
    assertEquals(1, broker.publish(V, persistent("logs", "app.info", "i"), false).await().queues());
    assertEquals(3, broker.publish(V, persistent("logs", "audit.login", "a"), false).await().queues());
    assertEquals(1, broker.queueInfo(V, "errors").await().stats().messagesReady());
    assertEquals(3, broker.queueInfo(V, "everything").await().stats().messagesReady());
    assertEquals(1, broker.queueInfo(V, "copy1").await().stats().messagesReady());
    assertEquals(1, broker.queueInfo(V, "copy2").await().stats().messagesReady());
  }

  @Test
  void headersExchangeMatchesAllOrAny() {
    broker.declareExchange(Exchange.of(V, "h", ExchangeType.HEADERS)).await();
    broker.declareQueue(Queue.durable(V, "pdf-reports")).await();
    broker.bind(new Binding(V, "h", Binding.DestinationType.QUEUE, "pdf-reports", "",
        Map.of("x-match", "all", "format", "pdf", "type", "report"))).await();
    var match = new Message("h", "", MessageProperties.builder().headers(Map.of("format", "pdf", "type", "report")).build(), new byte[0]);
    var miss = new Message("h", "", MessageProperties.builder().headers(Map.of("format", "pdf")).build(), new byte[0]);
    assertTrue(broker.publish(V, match, false).await().routed());
    assertFalse(broker.publish(V, miss, false).await().routed());
  }

  @Test
  void alternateExchangeTakesUnroutableMessages() {
    broker.declareExchange(Exchange.of(V, "unrouted", ExchangeType.FANOUT)).await();
    broker.declareQueue(Queue.durable(V, "lost-and-found")).await();
    broker.bind(Binding.toQueue(V, "unrouted", "lost-and-found", "")).await();
    broker.declareExchange(new Exchange(V, "orders", ExchangeType.DIRECT, true, false, false,
        Map.of(Exchange.ALTERNATE_EXCHANGE, "unrouted"))).await();
    assertTrue(broker.publish(V, persistent("orders", "nobody", "x"), true).await().routed());
    assertEquals(1, broker.queueInfo(V, "lost-and-found").await().stats().messagesReady());
  }

  @Test
  void mandatoryUnroutablePublishFailsWithNoRoute() {
    broker.declareExchange(Exchange.of(V, "empty", ExchangeType.DIRECT)).await();
    assertEquals(ErrorCode.NO_ROUTE, failure(broker.publish(V, persistent("empty", "k", "x"), true)).code());
    assertFalse(broker.publish(V, persistent("empty", "k", "x"), false).await().routed());
  }

  @Test
  void publishingToAnInternalExchangeIsRefused() {
    broker.declareExchange(new Exchange(V, "inner", ExchangeType.FANOUT, true, false, true, Map.of())).await();
    assertEquals(ErrorCode.ACCESS_REFUSED, failure(broker.publish(V, persistent("inner", "", "x"), false)).code());
  }

  @Test
  void redeclaringWithOtherAttributesFailsAndTheSameIsANoOp() {
    broker.declareQueue(Queue.durable(V, "q")).await();
    broker.declareQueue(Queue.durable(V, "q")).await();
    assertEquals(ErrorCode.PRECONDITION_FAILED, failure(broker.declareQueue(Queue.transientQueue(V, "q"))).code());
    broker.declareExchange(Exchange.of(V, "x", ExchangeType.DIRECT)).await();
    broker.declareExchange(Exchange.of(V, "x", ExchangeType.DIRECT)).await();
    assertEquals(ErrorCode.PRECONDITION_FAILED, failure(broker.declareExchange(Exchange.of(V, "x", ExchangeType.TOPIC))).code());
    assertEquals(ErrorCode.ACCESS_REFUSED, failure(broker.declareExchange(Exchange.of(V, "amq.mine", ExchangeType.TOPIC))).code());
  }

  @Test
  void unknownQueueArgumentsAreRejectedClearly() {
    var bad = new Queue(V, "bad", true, false, false, Map.of("x-max-length", "lots"));
    var e = failure(broker.declareQueue(bad));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    assertTrue(e.reason().contains("x-max-length"), e.reason());
  }

  @Test
  void exclusiveQueueBelongsToItsConnectionAndGoesWithIt() {
    Connection a = broker.connect(ClientInfo.of("test", "a", null));
    Connection b = broker.connect(ClientInfo.of("test", "b", null));
    a.declareQueue(new Queue(V, "mine", false, true, false, Map.of())).await();
    var locked = failure(b.consume(V, "mine", ConsumeOptions.of(1, AckMode.AUTO), d -> { }));
    assertEquals(ErrorCode.RESOURCE_LOCKED, locked.code());
    a.consume(V, "mine", ConsumeOptions.of(1, AckMode.AUTO), d -> { }).await();
    a.close("the test closed it").await();
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.queueInfo(V, "mine")).code());
    b.close("the test closed it").await();
  }

  @Test
  void closingTheOwnerOfAConsumedExclusiveAutoDeleteQueueSucceeds() {
    for (int i = 0; i < 20; i++) {
      Connection a = broker.connect(ClientInfo.of("test", "a", null));
      a.declareQueue(new Queue(V, "reply-" + i, false, true, true, Map.of())).await();
      a.consume(V, "reply-" + i, ConsumeOptions.of(1, AckMode.AUTO), d -> { }).await();
      a.close("the test closed it").await();
      assertEquals(ErrorCode.NOT_FOUND, failure(broker.queueInfo(V, "reply-" + i)).code());
    }
  }

  @Test
  void autoDeleteQueueGoesWhenItsLastConsumerCancels() {
    broker.declareQueue(new Queue(V, "temp", false, false, true, Map.of())).await();
    var c = broker.consume(V, "temp", ConsumeOptions.of(1, AckMode.AUTO), d -> { }).await();
    c.cancel().await();
    await().atMost(Duration.ofSeconds(5)).until(() -> broker.queues(V).stream().noneMatch(q -> q.queue().name().equals("temp")));
  }

  @Test
  void roundRobinWithPrefetchOneAndRequeueRedelivers() {
    broker.declareQueue(Queue.durable(V, "rr")).await();
    var a = new CopyOnWriteArrayList<Delivery>();
    var b = new CopyOnWriteArrayList<Delivery>();
    var ca = broker.consume(V, "rr", ConsumeOptions.of(1, AckMode.CLIENT_INDIVIDUAL), a::add).await();
    broker.consume(V, "rr", ConsumeOptions.of(1, AckMode.CLIENT_INDIVIDUAL), b::add).await();
    for (int i = 0; i < 4; i++) {
      broker.publish(V, persistent("", "rr", "m" + i), false).await();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> a.size() == 1 && b.size() == 1);
    assertEquals(2, broker.queueInfo(V, "rr").await().stats().messagesReady());
    ca.nack(a.get(0).deliveryTag(), false, true).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> a.size() == 2);
    assertEquals(body(a.get(0)), body(a.get(1)));
    assertTrue(a.get(1).redelivered());
  }

  @Test
  void purgeAndDeleteWithConditions() {
    broker.declareQueue(Queue.durable(V, "p")).await();
    for (int i = 0; i < 5; i++) {
      broker.publish(V, persistent("", "p", "m" + i), false).await();
    }
    assertEquals(ErrorCode.IN_USE, failure(broker.deleteQueue(V, "p", false, true)).code());
    assertEquals(5L, broker.purgeQueue(V, "p").await());
    assertEquals(0, broker.queueInfo(V, "p").await().stats().messages());
    var c = broker.consume(V, "p", ConsumeOptions.of(1, AckMode.AUTO), d -> { }).await();
    assertEquals(ErrorCode.IN_USE, failure(broker.deleteQueue(V, "p", true, false)).code());
    var ended = new CopyOnWriteArrayList<String>();
    c.endHandler(ended::add);
    assertEquals(0L, broker.deleteQueue(V, "p", false, false).await());
    await().atMost(Duration.ofSeconds(5)).until(() -> ended.size() == 1);
  }

  @Test
  void restartKeepsDurableTopologyAndMessagesAndRedeliversUnacked() {
    broker.declareExchange(Exchange.of(V, "orders", ExchangeType.DIRECT)).await();
    broker.declareQueue(Queue.durable(V, "orders.eu")).await();
    broker.declareQueue(Queue.transientQueue(V, "scratch")).await();
    broker.bind(Binding.toQueue(V, "orders", "orders.eu", "eu")).await();
    for (int i = 0; i < 10; i++) {
      broker.publish(V, persistent("orders", "eu", "o" + i), false).await();
    }
    var got = new CopyOnWriteArrayList<Delivery>();
    broker.consume(V, "orders.eu", ConsumeOptions.of(3, AckMode.CLIENT_INDIVIDUAL), got::add).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);

    restart();

    assertNotNull(broker.exchange(V, "orders"));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.queueInfo(V, "scratch")).code());
    assertTrue(broker.bindings(V).contains(Binding.toQueue(V, "orders", "orders.eu", "eu")));
    assertEquals(10, broker.queueInfo(V, "orders.eu").await().stats().messagesReady());
    var after = new CopyOnWriteArrayList<Delivery>();
    broker.consume(V, "orders.eu", ConsumeOptions.of(100, AckMode.CLIENT_INDIVIDUAL), after::add).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> after.size() == 10);
    for (int i = 0; i < 10; i++) {
      assertEquals("o" + i, body(after.get(i)));
      assertEquals(i < 3, after.get(i).redelivered(), "message " + i);
    }
    assertEquals(2, broker.publish(V, persistent("orders", "eu", "new"), false).await().queues() + 1);
  }

  @Test
  void transientMessagesDoNotSurviveARestart() {
    broker.declareQueue(Queue.durable(V, "mixed")).await();
    broker.publish(V, new Message("", "mixed", MessageProperties.TRANSIENT, new byte[10]), false).await();
    broker.publish(V, persistent("", "mixed", "kept"), false).await();
    restart();
    assertEquals(1, broker.queueInfo(V, "mixed").await().stats().messagesReady());
  }

  @Test
  void deletingAnExchangeRemovesItsBindings() {
    broker.declareExchange(Exchange.of(V, "gone", ExchangeType.FANOUT)).await();
    broker.declareQueue(Queue.durable(V, "stays")).await();
    broker.bind(Binding.toQueue(V, "gone", "stays", "")).await();
    assertEquals(ErrorCode.IN_USE, failure(broker.deleteExchange(V, "gone", true)).code());
    broker.deleteExchange(V, "gone", false).await();
    assertEquals(ErrorCode.NOT_FOUND, assertThrows(JunctionException.class, () -> broker.exchange(V, "gone")).code());
    assertTrue(broker.bindings(V).stream().noneMatch(b -> b.source().equals("gone")));
    restart();
    assertEquals(ErrorCode.NOT_FOUND, assertThrows(JunctionException.class, () -> broker.exchange(V, "gone")).code());
  }
}
