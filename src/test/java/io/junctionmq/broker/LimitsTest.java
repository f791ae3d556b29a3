package io.junctionmq.broker;

import static io.junctionmq.broker.StandaloneBroker.V;
import static io.junctionmq.broker.StandaloneBroker.await;
import static io.junctionmq.broker.StandaloneBroker.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Queue;
import io.junctionmq.security.Identity;
import io.junctionmq.security.Permission;
import io.junctionmq.security.UserLimits;
import io.junctionmq.security.VhostLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RabbitMQ's vhost limits ({@code max-queues}, {@code max-connections}) and user limit ({@code max-connections}). */
class LimitsTest {
  @RegisterExtension
  final StandaloneBroker node = new StandaloneBroker();
  private final Broker broker = node.broker();

  private void vhostLimits(Integer maxConnections, Integer maxQueues) {
    await(broker.users().setLimits(new VhostLimits(V, maxConnections, maxQueues), "admin"));
  }

  private Connection connect(String name, String vhost) {
    return broker.connect(ClientInfo.of("test", name, null).vhost(vhost));
  }

  private Identity guest() {
    return await(broker.login("guest", "guest", "127.0.0.1", "test"));
  }

  @Test
  void aVhostAtItsQueueLimitRefusesANewQueueButNotARedeclaration() {
    vhostLimits(null, 2);
    await(broker.declareQueue(Queue.durable(V, "q1")));
    var owner = broker.connect(ClientInfo.of("test", "owner", null));
    await(owner.declareQueue(new Queue(V, "mine", false, true, false, Map.of())));

    var refused = assertThrows(JunctionException.class, () -> await(broker.declareQueue(Queue.durable(V, "q3"))));
    assertEquals(ErrorCode.LIMIT_REACHED, refused.code());
    assertEquals("cannot declare queue 'q3': the queue limit of vhost '/' (2) is reached", refused.reason());
    assertEquals(2, broker.queues(V).size(), "nothing was declared");
    assertEquals("q1", await(broker.declareQueue(Queue.durable(V, "q1"))).queue().name());

    await(owner.close("done"));
    await(broker.declareQueue(Queue.durable(V, "q3")));
    assertEquals(ErrorCode.LIMIT_REACHED, failure(broker.declareQueue(Queue.durable(V, "q4"))));
  }

  @Test
  void aQueueLimitOfZeroRefusesEveryNewQueueAndOtherVhostsAreNotLimited() {
    await(broker.declareVhost("other"));
    vhostLimits(null, 0);
    assertEquals(ErrorCode.LIMIT_REACHED, failure(broker.declareQueue(Queue.durable(V, "q"))));
    await(broker.declareQueue(Queue.durable("other", "q")));
  }

  @Test
  void aVhostAtItsConnectionLimitRefusesTheNextConnectionUntilOneCloses() {
    vhostLimits(2, null);
    var first = connect("a", V);
    connect("b", V);
    var refused = assertThrows(JunctionException.class, () -> connect("c", V));
    assertEquals(ErrorCode.LIMIT_REACHED, refused.code());
    assertEquals("the connection limit of vhost '/' (2) is reached", refused.reason());
    assertEquals(2, broker.connections().size(), "the refused connection was not opened");

    broker.connect(ClientInfo.of("test", "no vhost", null));
    await(broker.declareVhost("other"));
    connect("elsewhere", "other");

    await(first.close("done"));
    connect("c", V);
  }

  @Test
  void aUserAtItsConnectionLimitIsRefusedInEveryVhost() {
    await(broker.declareVhost("other"));
    await(broker.users().setPermission(Permission.all("guest", "other"), "admin"));
    await(broker.users().setUserLimits(new UserLimits("guest", 2), "admin"));
    Broker guest = broker.as(guest());
    guest.connect(ClientInfo.of("test", "one", null).vhost(V));
    var second = guest.connect(ClientInfo.of("test", "two", null));
    var refused = assertThrows(JunctionException.class,
        () -> guest.connect(ClientInfo.of("test", "three", null).vhost("other")));
    assertEquals(ErrorCode.LIMIT_REACHED, refused.code());
    assertEquals("the connection limit of user 'guest' (2) is reached", refused.reason());
    connect("not guest's", V);

    await(second.close("done"));
    guest.connect(ClientInfo.of("test", "three", null).vhost("other"));
  }

  @Test
  void aLimitSetBelowTheOpenConnectionsClosesNoneAndRemovingItLetsThemIn() {
    connect("a", V);
    connect("b", V);
    vhostLimits(1, null);
    assertEquals(2, broker.connections().size());
    assertEquals(ErrorCode.LIMIT_REACHED, assertThrows(JunctionException.class, () -> connect("c", V)).code());
    vhostLimits(null, null);
    connect("c", V);
    assertEquals(3, broker.connections().size());
  }

  @Test
  void limitsOfAnUnknownUserAreNotFound() {
    assertEquals(ErrorCode.NOT_FOUND, assertThrows(JunctionException.class,
        () -> broker.users().setUserLimits(new UserLimits("nobody", 1), "admin")).code());
  }
}
