package io.junctionmq.cluster;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The metadata events a node publishes to the others after a change is in PostgreSQL (the
 * record): one JSON object with an {@code event} name, the node it came from, and the
 * entity. Receivers ({@link MetadataReplica}) apply them idempotently; they are hints, since
 * the event bus is best-effort, and a node that starts loads everything from PostgreSQL.
 * Standalone, nothing is published.
 */
public final class MetadataEvents {
  static final String VHOST = "vhost";
  static final String VHOST_DELETED = "vhost-deleted";
  static final String EXCHANGE = "exchange";
  static final String EXCHANGE_DELETED = "exchange-deleted";
  /** A queue and its owner: declared, or owned by another node now. */
  static final String QUEUE = "queue";
  static final String QUEUE_DELETED = "queue-deleted";
  static final String BINDING = "binding";
  static final String BINDING_DELETED = "binding-deleted";
  /** Counts of the queues a node owns: {@code queues} is an object of id to an array. */
  static final String STATS = "stats";
  /** A node asks every node to move its share of a rebalance ({@link Rebalancer}). */
  static final String REBALANCE = "rebalance";

  private final Vertx vertx;
  private final String self;

  public MetadataEvents(Vertx vertx, String self) {
    this.vertx = vertx;
    this.self = self;
  }

  public void vhostDeclared(String name) {
    publish(event(VHOST).put("name", name));
  }

  public void vhostDeleted(String name) {
    publish(event(VHOST_DELETED).put("name", name));
  }

  public void exchangeDeclared(Exchange e) {
    publish(exchange(event(EXCHANGE), e));
  }

  public void exchangeDeleted(String vhost, String name) {
    publish(event(EXCHANGE_DELETED).put("vhost", vhost).put("name", name));
  }

  /** The queue is declared, or has a new owner. */
  public void queueLocated(QueueEntry q) {
    publish(queue(event(QUEUE), q.id(), q.queue(), q.exclusiveOwner(), q.owner(), q.epoch()));
  }

  public void queueDeleted(QueueEntry q, String reason) {
    publish(event(QUEUE_DELETED).put("vhost", q.vhost()).put("name", q.name()).put("id", q.id())
        .put("reason", reason));
  }

  public void bound(Binding b) {
    publish(binding(event(BINDING), b));
  }

  public void unbound(Binding b) {
    publish(binding(event(BINDING_DELETED), b));
  }

  void stats(JsonObject queues) {
    publish(event(STATS).put("queues", queues));
  }

  void rebalance() {
    publish(event(REBALANCE));
  }

  private JsonObject event(String event) {
    return new JsonObject().put("event", event).put("origin", self);
  }

  private void publish(JsonObject event) {
    if (vertx.isClustered()) {
      vertx.eventBus().publish(Protocol.METADATA, event);
    }
  }

  // ---- the JSON forms ----

  static JsonObject exchange(JsonObject into, Exchange e) {
    return into.put("vhost", e.vhost()).put("name", e.name()).put("type", e.type().wireName())
        .put("durable", e.durable()).put("auto_delete", e.autoDelete()).put("internal", e.internal())
        .put("arguments", new JsonObject(e.arguments()));
  }

  static Exchange exchange(JsonObject j) {
    return new Exchange(j.getString("vhost"), j.getString("name"), ExchangeType.of(j.getString("type")),
        j.getBoolean("durable"), j.getBoolean("auto_delete"), j.getBoolean("internal"),
        j.getJsonObject("arguments").getMap());
  }

  static JsonObject queue(JsonObject into, long id, Queue d, String exclusiveOwner, String owner, long epoch) {
    return into.put("vhost", d.vhost()).put("name", d.name()).put("id", id).put("durable", d.durable())
        .put("exclusive", d.exclusive()).put("auto_delete", d.autoDelete())
        .put("arguments", new JsonObject(d.arguments())).put("exclusive_owner", exclusiveOwner)
        .put("owner", owner).put("epoch", epoch);
  }

  static Queue queue(JsonObject j) {
    return new Queue(j.getString("vhost"), j.getString("name"), j.getBoolean("durable"), j.getBoolean("exclusive"),
        j.getBoolean("auto_delete"), j.getJsonObject("arguments").getMap());
  }

  static JsonObject binding(JsonObject into, Binding b) {
    return into.put("vhost", b.vhost()).put("source", b.source())
        .put("destination_type", b.destinationType().name().toLowerCase(Locale.ROOT))
        .put("destination", b.destination()).put("routing_key", b.routingKey())
        .put("arguments", new JsonObject(b.arguments()));
  }

  static Binding binding(JsonObject j) {
    return new Binding(j.getString("vhost"), j.getString("source"),
        Binding.DestinationType.valueOf(j.getString("destination_type").toUpperCase(Locale.ROOT)),
        j.getString("destination"), j.getString("routing_key"), j.getJsonObject("arguments").getMap());
  }
}
