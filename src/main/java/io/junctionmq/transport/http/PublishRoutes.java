package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Locale;

/**
 * {@code POST /api/exchanges/{vhost}/{name}/publish}: a JSON body in RabbitMQ's shape, an
 * NDJSON stream of them ({@link NdjsonPublish}), or any other content type as the raw payload
 * with the routing key and properties in query parameters and headers. Answers
 * {@code {"routed": ...}} once the message is stored.
 */
final class PublishRoutes {
  static final String NDJSON = "application/x-ndjson";
  static final String PATH = "/exchanges/:vhost/:name/publish";
  private static final String HEADER_PREFIX = "x-header-";

  private final Broker broker;
  private final int maxInFlight;
  private final int maxLine;

  PublishRoutes(Broker broker, int maxInFlight, int maxLine) {
    this.broker = broker;
    this.maxInFlight = maxInFlight;
    this.maxLine = maxLine;
  }

  void mount(ApiRouter api) {
    api.on(io.vertx.core.http.HttpMethod.POST, PATH, HttpAuth.Need.LOGIN, this::publish);
  }

  static boolean isNdjson(RoutingContext ctx) {
    return Rest.baseType(ctx.request().getHeader("Content-Type")).equals(NDJSON);
  }

  private void publish(RoutingContext ctx) {
    String vhost = Rest.vhost(ctx);
    String exchange = Rest.exchangeName(ctx, "name");
    if (isNdjson(ctx)) {
      new NdjsonPublish(ctx, HttpAuth.broker(ctx), vhost, exchange, maxInFlight, maxLine).start();
      return;
    }
    String type = ctx.request().getHeader("Content-Type");
    String idempotencyKey = ctx.request().getHeader("Idempotency-Key");
    Message message;
    boolean mandatory;
    if (Rest.isJson(type)) {
      JsonObject body = Rest.bodyObject(ctx);
      message = MessageJson.message(exchange, body, idempotencyKey);
      mandatory = Rest.bool(body, "mandatory", false);
    } else {
      message = raw(ctx, exchange, type, idempotencyKey);
      mandatory = Rest.flag(ctx, "mandatory");
    }
    Rest.replyJson(ctx, HttpAuth.broker(ctx).publish(vhost, message, mandatory), r -> new JsonObject().put("routed", r.routed()));
  }

  /** The raw form: the body is the payload; the rest comes from query parameters and headers. */
  private static Message raw(RoutingContext ctx, String exchange, String type, String idempotencyKey) {
    var properties = rawProperties(ctx.request().headers(), type, idempotencyKey,
        persistent(Rest.query(ctx, "delivery_mode", null), Rest.query(ctx, "persistent", null)));
    var body = ctx.body().buffer();
    return new Message(exchange, Rest.query(ctx, "routing_key", ""), properties,
        body == null ? new byte[0] : body.getBytes());
  }

  /** The properties of a raw publish from its HTTP headers; fails INVALID_ARGUMENT naming a bad one. */
  static MessageProperties rawProperties(MultiMap h, String type, String idempotencyKey, boolean persistent) {
    var headers = new LinkedHashMap<String, String>();
    h.forEach(e -> {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith(HEADER_PREFIX) && name.length() > HEADER_PREFIX.length()) {
        headers.put(e.getKey().substring(HEADER_PREFIX.length()), e.getValue());
      }
    });
    String messageId = idempotencyKey != null ? idempotencyKey : h.get("X-Message-Id");
    return MessageProperties.builder()
        .persistent(persistent)
        .contentType(type == null || Rest.baseType(type).equals(Rest.FORM) ? null : type)
        .contentEncoding(h.get("Content-Encoding"))
        .messageId(messageId)
        .correlationId(h.get("X-Correlation-Id"))
        .replyTo(h.get("X-Reply-To"))
        .expiration(h.get("X-Expiration"))
        .type(h.get("X-Type"))
        .appId(h.get("X-App-Id"))
        .userId(h.get("X-User-Id"))
        .priority(MessageJson.priority(h.get("X-Priority")))
        .timestamp(MessageJson.timestamp(h.get("X-Timestamp")))
        .headers(headers)
        .build();
  }

  /** {@code persistent=true} or {@code delivery_mode=2}; transient otherwise, as RabbitMQ's default. */
  static boolean persistent(String mode, String persistent) {
    if (mode != null) {
      if (!mode.equals("1") && !mode.equals("2")) {
        throw ErrorCode.INVALID_ARGUMENT.error("'delivery_mode' must be 1 (transient) or 2 (persistent), got '"
            + mode + "'");
      }
      return mode.equals("2");
    }
    return Rest.flag("persistent", persistent);
  }
}
