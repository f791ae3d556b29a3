package io.junctionmq.broker;

import static io.junctionmq.broker.StandaloneBroker.V;
import static io.junctionmq.broker.StandaloneBroker.await;
import static io.junctionmq.broker.StandaloneBroker.failure;
import static io.junctionmq.broker.StandaloneBroker.persistent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Binding;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Queue;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An exclusive queue belongs to the connection that declared it, and goes with it. */
class ExclusiveQueueTest {
  private static final Queue MINE = new Queue(V, "mine", false, true, false, Map.of());
  private static final ConsumeOptions AUTO = ConsumeOptions.of(10, AckMode.AUTO);
  @RegisterExtension
  final StandaloneBroker node = new StandaloneBroker();
  private final Broker broker = node.broker();
  private Connection owner;
  private Connection other;

  @BeforeEach
  void start() {
    owner = broker.connect(ClientInfo.of("test", "owner", null));
    other = broker.connect(ClientInfo.of("test", "other", null));
    await(owner.declareQueue(MINE));
  }

  @Test
  void anExclusiveQueueCannotBeDeclaredWithoutAConnection() {
    assertEquals(ErrorCode.INVALID_ARGUMENT, failure(broker.declareQueue(new Queue(V, "orphan", false, true, false,
        Map.of()))));
    assertFalse(node.exists("orphan"));
  }

  @Test
  void itsOwnerMayRedeclareAndConsumeIt() {
    long id = await(broker.queueInfo(V, "mine")).id();
    assertEquals(id, await(owner.declareQueue(MINE)).id());
    await(owner.consume(V, "mine", AUTO, d -> { }));
    assertEquals(1, await(broker.queueInfo(V, "mine")).stats().consumers());
  }

  @Test
  void anotherConnectionIsLockedOutOfDeclaringConsumingAndDeletingIt() {
    assertEquals(ErrorCode.RESOURCE_LOCKED, failure(other.declareQueue(MINE)));
    assertEquals(ErrorCode.RESOURCE_LOCKED, failure(other.consume(V, "mine", AUTO, d -> { })));
    assertEquals(ErrorCode.RESOURCE_LOCKED, failure(broker.declareQueue(MINE)));
    assertEquals(ErrorCode.RESOURCE_LOCKED, failure(broker.consume(V, "mine", AUTO, d -> { })));
    assertEquals(ErrorCode.RESOURCE_LOCKED, failure(broker.deleteQueue(V, "mine", false, false)));
    assertTrue(node.exists("mine"));
    assertEquals(0, await(broker.queueInfo(V, "mine")).stats().consumers());
  }

  @Test
  void anotherConnectionIsLockedOutEvenWithOtherAttributes() {
    assertEquals(ErrorCode.RESOURCE_LOCKED, failure(other.declareQueue(Queue.durable(V, "mine"))));
  }

  @Test
  void anyoneMayPublishToIt() {
    assertEquals(1, await(other.publish(V, persistent("", "mine", "hello"), true)).queues());
    assertEquals(1, await(broker.queueInfo(V, "mine")).stats().messages());
  }

  @Test
  void closingTheOwnerDeletesTheQueueAndItsBindingsEvenWhileItConsumes() {
    await(broker.bind(Binding.toQueue(V, "amq.direct", "mine", "k")));
    await(owner.consume(V, "mine", AUTO, d -> { }));
    await(owner.close("the test closed it"));
    assertFalse(node.exists("mine"));
    assertEquals(ErrorCode.NOT_FOUND, failure(broker.queueInfo(V, "mine")));
    assertTrue(broker.bindings(V).stream().noneMatch(b -> b.destination().equals("mine")));
    await(other.declareQueue(MINE));
    assertTrue(node.exists("mine"), "the name is free for another connection");
  }

  @Test
  void closingAnotherConnectionLeavesTheQueue() {
    await(other.close("the test closed it"));
    assertTrue(node.exists("mine"));
  }
}
