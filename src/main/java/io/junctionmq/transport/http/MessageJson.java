package io.junctionmq.transport.http;

import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Messages in RabbitMQ's HTTP shape: a publish body ({@code properties}, {@code routing_key},
 * {@code payload}, {@code payload_encoding}) in, and a delivered message ({@code payload},
 * {@code payload_bytes}, {@code payload_encoding}, {@code properties}, {@code routing_key},
 * {@code exchange}, {@code redelivered}) out.
 */
final class MessageJson {
  private MessageJson() {
  }

  /** A publish body as a message to {@code exchange}; fails INVALID_ARGUMENT naming the bad field. */
  static Message message(String exchange, JsonObject body, String idempotencyKey) {
    String routingKey = Rest.string(body, "routing_key", "");
    String payload = Rest.string(body, "payload", "");
    String encoding = Rest.string(body, "payload_encoding", "string");
    byte[] bytes = switch (encoding) {
      case "string" -> payload.getBytes(StandardCharsets.UTF_8);
      case "base64" -> decodeBase64(payload);
      default -> throw ErrorCode.INVALID_ARGUMENT.error("'payload_encoding' must be string or base64, got '" + encoding + "'");
    };
    var properties = properties(Rest.object(body, "properties"));
    if (idempotencyKey != null) {
      properties = properties.toBuilder().messageId(idempotencyKey).build();
    }
    return new Message(exchange, routingKey, properties, bytes);
  }

  static MessageProperties properties(JsonObject p) {
    Object mode = p.getValue("delivery_mode");
    boolean persistent;
    if (mode == null) {
      persistent = false;
    } else if (mode instanceof Number n && (n.intValue() == 1 || n.intValue() == 2)) {
      persistent = n.intValue() == 2;
    } else if ("1".equals(mode) || "2".equals(mode)) {
      persistent = "2".equals(mode);
    } else {
      throw ErrorCode.INVALID_ARGUMENT.error("'delivery_mode' must be 1 (transient) or 2 (persistent), got "
          + Json.encode(mode));
    }
    var headers = new LinkedHashMap<String, String>();
    Rest.object(p, "headers").forEach(e -> {
      if (e.getValue() != null) {
        headers.put(e.getKey(), e.getValue() instanceof String s ? s : Json.encode(e.getValue()));
      }
    });
    return MessageProperties.builder()
        .persistent(persistent)
        .headers(headers)
        .contentType(text(p, "content_type"))
        .contentEncoding(text(p, "content_encoding"))
        .messageId(text(p, "message_id"))
        .correlationId(text(p, "correlation_id"))
        .replyTo(text(p, "reply_to"))
        .expiration(text(p, "expiration"))
        .type(text(p, "type"))
        .appId(text(p, "app_id"))
        .userId(text(p, "user_id"))
        .priority(priority(p.getValue("priority")))
        .timestamp(timestamp(p.getValue("timestamp")))
        .build();
  }

  /** A delivery as the stream endpoint sends it: the {@code /get} shape plus {@code delivery_tag}. */
  static JsonObject delivery(Delivery d, String encoding, int truncate) {
    return message(d.message(), d.redelivered(), encoding, truncate).put("delivery_tag", d.deliveryTag());
  }

  /** A message as RabbitMQ's {@code /get} answers it; {@code encoding} is {@code auto} or {@code base64}. */
  static JsonObject message(Message m, boolean redelivered, String encoding, int truncate) {
    byte[] body = m.body();
    byte[] shown = truncate >= 0 && truncate < body.length ? java.util.Arrays.copyOf(body, truncate) : body;
    String text = "base64".equals(encoding) ? null : utf8(shown);
    return new JsonObject()
        .put("payload_bytes", body.length)
        .put("redelivered", redelivered)
        .put("exchange", m.exchange())
        .put("routing_key", m.routingKey())
        .put("properties", properties(m.properties()))
        .put("payload", text != null ? text : Base64.getEncoder().encodeToString(shown))
        .put("payload_encoding", text != null ? "string" : "base64");
  }

  static JsonObject properties(MessageProperties p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("delivery_mode", p.persistent() ? 2 : 1);
    put(out, "content_type", p.contentType());
    put(out, "content_encoding", p.contentEncoding());
    put(out, "priority", p.priority());
    put(out, "correlation_id", p.correlationId());
    put(out, "reply_to", p.replyTo());
    put(out, "expiration", p.expiration());
    put(out, "message_id", p.messageId());
    put(out, "timestamp", p.timestamp());
    put(out, "type", p.type());
    put(out, "user_id", p.userId());
    put(out, "app_id", p.appId());
    out.put("headers", new JsonObject(new LinkedHashMap<>(p.headers())));
    return new JsonObject(out);
  }

  /** Base64, with line breaks and spaces allowed (stripped only when the plain decode fails: it is hot). */
  static byte[] decodeBase64(String payload) {
    try {
      return Base64.getDecoder().decode(payload);
    } catch (IllegalArgumentException plainFailed) {
      try {
        return Base64.getDecoder().decode(WHITESPACE.matcher(payload).replaceAll(""));
      } catch (IllegalArgumentException e) {
        throw ErrorCode.INVALID_ARGUMENT.error("'payload' is not valid base64");
      }
    }
  }

  private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s");

  /** A {@code priority} field or header: an integer (its range is the model's to check). */
  static Integer priority(Object v) {
    Long n = integer("priority", v);
    if (n != null && n != n.intValue()) {
      throw notAnInteger("priority", v);
    }
    return n == null ? null : n.intValue();
  }

  /** A {@code timestamp} field or header: an integer (its range is the model's to check). */
  static Long timestamp(Object v) {
    return integer("timestamp", v);
  }

  private static Long integer(String field, Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw notAnInteger(field, v);
  }

  private static JunctionException notAnInteger(String field, Object v) {
    return ErrorCode.INVALID_ARGUMENT.error("'" + field + "' must be an integer, got " + Json.encode(v));
  }

  private static String text(JsonObject p, String field) {
    Object v = p.getValue(field);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number) {
      return v.toString();
    }
    throw ErrorCode.INVALID_ARGUMENT.error("'" + field + "' must be a string, got " + Json.encode(v));
  }

  private static void put(Map<String, Object> out, String field, Object value) {
    if (value != null) {
      out.put(field, value);
    }
  }

  /**
   * The bytes as text when they are valid UTF-8, else null. Binary bodies are common, so
   * invalid input is told by the decoder's result, not by an exception (whose stack trace
   * would be taken once per delivery).
   */
  private static String utf8(byte[] bytes) {
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    if (decoder.decode(ByteBuffer.wrap(bytes), out, true).isError() || decoder.flush(out).isError()) {
      return null;
    }
    return out.flip().toString();
  }
}
