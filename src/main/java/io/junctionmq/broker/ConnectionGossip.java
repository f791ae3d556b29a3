package io.junctionmq.broker;

import io.junctionmq.cluster.Membership;
import io.junctionmq.cluster.Protocol;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The other nodes' connections, for {@link ConnectionLimits}: a node publishes its counts of
 * the limited vhosts and users ({@link ConnectionLimits#limited()}) on {@link
 * Protocol#CONNECTIONS} soon after one of them changes (at most every {@link #SOON_MS} ms) and
 * every {@link #REFRESH_MS} ms anyway, for the nodes that joined since and the limits set since.
 * Each node keeps every other node's last counts while that node is a member and has announced
 * within {@link #FORGET_MS} ms. The event bus is best-effort: a lost announcement is made good
 * by the next one.
 */
final class ConnectionGossip implements ConnectionLimits.Elsewhere {
  static final long SOON_MS = 50;
  static final long REFRESH_MS = 10_000;
  static final long FORGET_MS = 30_000;

  private final Vertx vertx;
  private final String self;
  private final Membership membership;
  private final ConnectionLimits limits;
  private final Map<String, Announced> others = new ConcurrentHashMap<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private MessageConsumer<JsonObject> consumer;
  private long timer = -1;

  private record Announced(ConnectionLimits.Counts counts, long atNanos) {
  }

  ConnectionGossip(Vertx vertx, Membership membership, ConnectionLimits limits) {
    this.vertx = vertx;
    this.self = membership.self();
    this.membership = membership;
    this.limits = limits;
  }

  void start() {
    consumer = vertx.eventBus().consumer(Protocol.CONNECTIONS, m -> received(m.body()));
    timer = vertx.setPeriodic(REFRESH_MS, t -> announce());
    announce();
  }

  Future<Void> stop() {
    vertx.cancelTimer(timer);
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** A limited vhost's or user's count changed here: announce it soon. */
  void changed() {
    if (scheduled.compareAndSet(false, true)) {
      vertx.setTimer(SOON_MS, t -> {
        scheduled.set(false);
        announce();
      });
    }
  }

  private void announce() {
    ConnectionLimits.Counts c = limits.limited();
    vertx.eventBus().publish(Protocol.CONNECTIONS, new JsonObject().put("node", self)
        .put("vhosts", new JsonObject(new HashMap<>(c.vhosts()))).put("users", new JsonObject(new HashMap<>(c.users()))));
  }

  private void received(JsonObject body) {
    String node = body.getString("node");
    if (node == null || node.equals(self)) {
      return;
    }
    others.put(node, new Announced(new ConnectionLimits.Counts(counts(body.getJsonObject("vhosts")),
        counts(body.getJsonObject("users"))), System.nanoTime()));
  }

  private static Map<String, Integer> counts(JsonObject o) {
    var m = new HashMap<String, Integer>();
    if (o != null) {
      o.forEach(e -> {
        if (e.getValue() instanceof Number n) {
          m.put(e.getKey(), n.intValue());
        }
      });
    }
    return m;
  }

  @Override
  public int vhost(String vhost) {
    return sum(c -> c.vhosts().getOrDefault(vhost, 0));
  }

  @Override
  public int user(String user) {
    return sum(c -> c.users().getOrDefault(user, 0));
  }

  private int sum(Function<ConnectionLimits.Counts, Integer> count) {
    if (others.isEmpty()) {
      return 0;
    }
    Set<String> members = membership.members();
    long now = System.nanoTime();
    int sum = 0;
    for (var e : others.entrySet()) {
      if (members.contains(e.getKey()) && now - e.getValue().atNanos() < FORGET_MS * 1_000_000) {
        sum += count.apply(e.getValue().counts());
      } else if (!members.contains(e.getKey())) {
        others.remove(e.getKey(), e.getValue());
      }
    }
    return sum;
  }
}
