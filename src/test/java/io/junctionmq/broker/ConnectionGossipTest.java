package io.junctionmq.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.junctionmq.cluster.Membership;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.security.InMemorySecurityStore;
import io.junctionmq.security.Passwords;
import io.junctionmq.security.User;
import io.junctionmq.security.UserDatabase;
import io.junctionmq.security.VhostLimits;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes' connection counts announced to each other, on one Vert.x's event bus (what the
 * clustered bus carries between nodes): a vhost's connection limit holds across both.
 */
class ConnectionGossipTest {
  private Vertx vertx;
  private UserDatabase users;
  private volatile Set<String> members = Set.of("n1", "n2");
  private ConnectionLimits limits1;
  private ConnectionLimits limits2;
  private ConnectionGossip gossip1;
  private ConnectionGossip gossip2;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    users = new UserDatabase(vertx, new InMemorySecurityStore(), "n1");
    users.start(() -> Future.succeededFuture(new User("guest", null, Passwords.PBKDF2, List.of())))
        .await(10, TimeUnit.SECONDS);
    users.setLimits(new VhostLimits("/", 3, null), null).await(10, TimeUnit.SECONDS);
    limits1 = new ConnectionLimits(users);
    limits2 = new ConnectionLimits(users);
    gossip1 = new ConnectionGossip(vertx, membership("n1"), limits1);
    gossip2 = new ConnectionGossip(vertx, membership("n2"), limits2);
    limits1.elsewhere(gossip1);
    limits2.elsewhere(gossip2);
    gossip1.start();
    gossip2.start();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private Membership membership(String self) {
    return new Membership() {
      @Override
      public String self() {
        return self;
      }

      @Override
      public Set<String> members() {
        return members;
      }

      @Override
      public void onChange(Handler<Set<String>> handler) {
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
  }

  private static ClientInfo client(String name) {
    return ClientInfo.of("test", name, null).vhost("/");
  }

  /** Opens on one node as a connection does: counted, then announced. */
  private static void open(ConnectionLimits limits, ConnectionGossip gossip, String name) {
    if (limits.open(client(name))) {
      gossip.changed();
    }
  }

  @Test
  void connectionsOnAnotherNodeCountAgainstTheVhostsLimitOnceAnnounced() {
    open(limits1, gossip1, "a");
    open(limits1, gossip1, "b");
    await().atMost(Duration.ofSeconds(5)).until(() -> gossip2.vhost("/") == 2);
    open(limits2, gossip2, "c");
    var refused = assertThrows(JunctionException.class, () -> limits2.open(client("d")));
    assertEquals(ErrorCode.LIMIT_REACHED, refused.code());

    if (limits1.closed(client("a"))) {
      gossip1.changed();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> gossip2.vhost("/") == 1);
    open(limits2, gossip2, "d");
  }

  @Test
  void aNodeThatLeftTheClusterNoLongerCounts() {
    open(limits1, gossip1, "a");
    open(limits1, gossip1, "b");
    open(limits1, gossip1, "c");
    await().atMost(Duration.ofSeconds(5)).until(() -> gossip2.vhost("/") == 3);
    assertEquals(ErrorCode.LIMIT_REACHED, assertThrows(JunctionException.class, () -> limits2.open(client("d")))
        .code());
    members = Set.of("n2");
    open(limits2, gossip2, "d");
    assertEquals(0, gossip2.vhost("/"));
  }

  @Test
  void onlyLimitedVhostsAreAnnounced() {
    assertEquals(new ConnectionLimits.Counts(java.util.Map.of("/", 0), java.util.Map.of()), limits1.limited());
    limits1.open(ClientInfo.of("test", "x", null).vhost("unlimited"));
    assertEquals(new ConnectionLimits.Counts(java.util.Map.of("/", 0), java.util.Map.of()), limits1.limited());
  }
}
