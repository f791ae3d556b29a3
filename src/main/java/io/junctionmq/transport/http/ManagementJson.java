package io.junctionmq.transport.http;

import io.junctionmq.broker.ConnectionInfo;
import io.junctionmq.broker.ConsumerInfo;
import io.junctionmq.broker.QueueInfo;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/** The broker's objects as RabbitMQ's management API shows them (same field names). */
final class ManagementJson {
  private ManagementJson() {
  }

  static JsonObject exchange(Exchange x) {
    return new JsonObject()
        .put("name", x.name())
        .put("vhost", x.vhost())
        .put("type", x.type().wireName())
        .put("durable", x.durable())
        .put("auto_delete", x.autoDelete())
        .put("internal", x.internal())
        .put("arguments", new JsonObject(new TreeMap<>(x.arguments())));
  }

  static JsonObject queue(QueueInfo info, Rates rates) {
    var q = info.queue();
    var s = info.stats();
    var json = new JsonObject()
        .put("name", q.name())
        .put("vhost", q.vhost())
        .put("durable", q.durable())
        .put("auto_delete", q.autoDelete())
        .put("exclusive", q.exclusive())
        .put("arguments", new JsonObject(new TreeMap<>(q.arguments())))
        .put("node", info.owner())
        .put("state", "running")
        .put("type", "classic")
        .put("messages", s.messages())
        .put("messages_ready", s.messagesReady())
        .put("messages_unacknowledged", s.messagesUnacknowledged())
        .put("message_bytes_ready", s.messageBytesReady())
        .put("consumers", s.consumers())
        .put("message_stats", rates.messageStats(info.id(), s).put("deduplicated", s.deduplicated()));
    if (info.singleActiveConsumerTag() != null) {
      json.put("single_active_consumer_tag", info.singleActiveConsumerTag());
    }
    return json;
  }

  static JsonObject binding(Binding b) {
    return new JsonObject()
        .put("source", b.source())
        .put("vhost", b.vhost())
        .put("destination", b.destination())
        .put("destination_type", b.destinationType() == Binding.DestinationType.QUEUE ? "queue" : "exchange")
        .put("routing_key", b.routingKey())
        .put("arguments", new JsonObject(new TreeMap<>(b.arguments())))
        .put("properties_key", propertiesKey(b));
  }

  static JsonObject connection(ConnectionInfo c) {
    return new JsonObject()
        .put("name", c.id())
        .put("user_provided_name", c.name())
        .put("protocol", c.protocol())
        .put("vhost", c.vhost())
        .put("user", c.user())
        .put("node", c.node())
        .put("connected_at", c.connectedAt())
        .put("consumers", c.consumers())
        .put("state", "running");
  }

  static JsonObject consumer(ConsumerInfo c) {
    return new JsonObject()
        .put("consumer_tag", c.tag())
        .put("queue", new JsonObject().put("name", c.queue()).put("vhost", c.vhost()))
        .put("channel_details", new JsonObject().put("connection_name", c.connection()).put("node", c.node()))
        .put("ack_required", c.ackRequired())
        .put("prefetch_count", c.prefetch())
        .put("exclusive", false)
        .put("active", c.active())
        .put("activity_status", c.activityStatus())
        .put("arguments", new JsonObject());
  }

  /**
   * Names a binding in a URL, as RabbitMQ does: the routing key (URL-encoded; {@code ~} when
   * empty), followed for a binding with arguments by {@code ~} and a hash of them.
   */
  static String propertiesKey(Binding b) {
    String key = b.routingKey().isEmpty() ? "~" : encode(b.routingKey());
    if (b.arguments().isEmpty()) {
      return key;
    }
    return (b.routingKey().isEmpty() ? "" : key) + "~" + hash(b.arguments());
  }

  /** Percent-encodes {@code s} for a URL path segment ({@code %20} for a space). */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String hash(Map<String, Object> arguments) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(new JsonObject(new TreeMap<>(arguments)).encode().getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
