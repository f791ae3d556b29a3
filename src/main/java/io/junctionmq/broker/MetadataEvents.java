package io.junctionmq.broker;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.Queue;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The metadata events a node publishes to the others after a change is in PostgreSQL (the
 * record): one JSON object with an {@code event} name, the node it came from, and the
 * entity. Receivers apply them idempotently; they are hints, since the event bus is
 * best-effort, and a node that starts loads everything from PostgreSQL.
 */
final class MetadataEvents {
  static final String VHOST = "vhost";
  static final String VHOST_DELETED = "vhost-deleted";
  static final String EXCHANGE = "exchange";
  static final String EXCHANGE_DELETED = "exchange-deleted";
  /** A queue and where it is: declared, or taken over by another node. */
  static final String QUEUE = "queue";
  static final String QUEUE_DELETED = "queue-deleted";
  static final String BINDING = "binding";
  static final String BINDING_DELETED = "binding-deleted";
  /** Counts of the queues a node owns: {@code queues} is an object of id to an array. */
  static final String STATS = "stats";

  private MetadataEvents() {
  }

  static JsonObject event(String event, String origin) {
    return new JsonObject().put("event", event).put("origin", origin);
  }

  static JsonObject exchange(JsonObject event, Exchange e) {
    return event.put("vhost", e.vhost()).put("name", e.name()).put("type", e.type().wireName())
        .put("durable", e.durable()).put("auto_delete", e.autoDelete()).put("internal", e.internal())
        .put("arguments", new JsonObject(e.arguments()));
  }

  static Exchange exchange(JsonObject j) {
    return new Exchange(j.getString("vhost"), j.getString("name"), ExchangeType.of(j.getString("type")),
        j.getBoolean("durable"), j.getBoolean("auto_delete"), j.getBoolean("internal"),
        j.getJsonObject("arguments").getMap());
  }

  static JsonObject queue(JsonObject event, Vhost.QueueEntry q) {
    Queue d = q.queue();
    return event.put("vhost", d.vhost()).put("name", d.name()).put("id", q.id()).put("durable", d.durable())
        .put("exclusive", d.exclusive()).put("auto_delete", d.autoDelete())
        .put("arguments", new JsonObject(d.arguments())).put("exclusive_owner", q.exclusiveOwner())
        .put("node", q.node()).put("epoch", q.epoch());
  }

  static Queue queue(JsonObject j) {
    return new Queue(j.getString("vhost"), j.getString("name"), j.getBoolean("durable"), j.getBoolean("exclusive"),
        j.getBoolean("auto_delete"), j.getJsonObject("arguments").getMap());
  }

  static JsonObject binding(JsonObject event, Binding b) {
    return event.put("vhost", b.vhost()).put("source", b.source())
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
