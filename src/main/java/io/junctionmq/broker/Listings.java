package io.junctionmq.broker;

import io.junctionmq.cluster.Membership;
import io.junctionmq.cluster.Protocol;
import io.junctionmq.model.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The connections and consumers of the whole cluster: each node answers for its own on {@link
 * Protocol#objects(String)}, and a list is every member's answer within {@link #ANSWER_MS}, merged;
 * a member that does not answer in time is named in the list ({@link Listed#missing()}) rather than
 * holding it up. A connection is closed on whichever node it is open.
 */
public final class Listings {
  /** How long a list waits for each other node's answer. */
  static final long ANSWER_MS = 2000;

  /** Closes this node's connection {@code id}, if it is open here and {@code user}'s (null: anyone's). */
  interface Closer {
    boolean close(String id, String reason, String user);
  }

  private final Vertx vertx;
  private final Membership membership;
  private final String self;
  private final Supplier<List<ConnectionInfo>> connections;
  private final Supplier<List<ConsumerInfo>> consumers;
  private final Closer closer;
  private final DeliveryOptions options = new DeliveryOptions().setSendTimeout(ANSWER_MS);
  private MessageConsumer<JsonObject> registration;

  Listings(Vertx vertx, Membership membership, Supplier<List<ConnectionInfo>> connections,
           Supplier<List<ConsumerInfo>> consumers, Closer closer) {
    this.vertx = vertx;
    this.membership = membership;
    this.self = membership.self();
    this.connections = connections;
    this.consumers = consumers;
    this.closer = closer;
  }

  void start() {
    if (vertx.isClustered()) {
      registration = vertx.eventBus().consumer(Protocol.objects(self), this::answer);
    }
  }

  Future<Void> stop() {
    return registration == null ? Future.succeededFuture() : registration.unregister();
  }

  /** This node's connections. */
  public List<ConnectionInfo> localConnections() {
    return connections.get();
  }

  /** Completes with the cluster's connections; never fails (a node that does not answer is missing). */
  public Future<Listed<ConnectionInfo>> connections() {
    return gather("connections", connections, ConnectionInfo::of);
  }

  /** Completes with the cluster's consumers; never fails (a node that does not answer is missing). */
  public Future<Listed<ConsumerInfo>> consumers() {
    return gather("consumers", consumers, ConsumerInfo::of);
  }

  /**
   * Closes connection {@code id} on the node it is open on, if it is {@code user}'s (null: anyone's);
   * its transport tells the client {@code reason}. Fails NOT_FOUND when no node has it, UNAVAILABLE
   * when none has it but some did not answer.
   */
  public Future<Void> close(String id, String reason, String user) {
    if (closer.close(id, reason, user)) {
      return Future.succeededFuture();
    }
    List<String> others = others();
    Map<String, Boolean> answers = new ConcurrentHashMap<>();
    var requests = new ArrayList<Future<?>>();
    for (String node : others) {
      JsonObject request = new JsonObject().put("op", "close").put("id", id).put("reason", reason).put("user", user);
      requests.add(vertx.eventBus().<Boolean>request(Protocol.objects(node), request, options)
          .onSuccess(m -> answers.put(node, Boolean.TRUE.equals(m.body()))));
    }
    return Future.join(requests).transform(ar -> {
      if (answers.containsValue(true)) {
        return Future.succeededFuture();
      }
      List<String> missing = others.stream().filter(n -> !answers.containsKey(n)).toList();
      return Future.failedFuture(missing.isEmpty() ? ErrorCode.NOT_FOUND.error("no connection '" + id + "'")
          : ErrorCode.UNAVAILABLE.error("connection '" + id + "' is not open on the nodes that answered; "
              + missing + " did not answer in time"));
    });
  }

  private <T> Future<Listed<T>> gather(String op, Supplier<List<T>> local, Function<JsonObject, T> read) {
    List<String> others = others();
    var asked = new ArrayList<String>(others);
    asked.add(self);
    Map<String, List<T>> answers = new ConcurrentHashMap<>();
    answers.put(self, local.get());
    var requests = new ArrayList<Future<?>>();
    for (String node : others) {
      requests.add(vertx.eventBus().<JsonArray>request(Protocol.objects(node), new JsonObject().put("op", op), options)
          .onSuccess(m -> {
            var items = new ArrayList<T>(m.body().size());
            m.body().forEach(o -> items.add(read.apply((JsonObject) o)));
            answers.put(node, items);
          }));
    }
    return Future.join(requests).transform(ar -> Future.succeededFuture(Listed.merge(asked, answers)));
  }

  private List<String> others() {
    if (!vertx.isClustered()) {
      return List.of();
    }
    var members = new TreeSet<>(membership.members());
    members.remove(self);
    return List.copyOf(members);
  }

  private void answer(Message<JsonObject> request) {
    JsonObject body = request.body();
    switch (body.getString("op", "")) {
      case "connections" -> request.reply(array(connections.get(), ConnectionInfo::json));
      case "consumers" -> request.reply(array(consumers.get(), ConsumerInfo::json));
      case "close" -> request.reply(closer.close(body.getString("id"), body.getString("reason"),
          body.getString("user")));
      default -> Protocol.fail(request, ErrorCode.PROTOCOL_ERROR, "unknown op '" + body.getString("op") + "'");
    }
  }

  private static <T> JsonArray array(List<T> items, Function<T, JsonObject> json) {
    var array = new JsonArray();
    items.forEach(i -> array.add(json.apply(i)));
    return array;
  }
}
