package io.junctionmq.transport.http;

import io.junctionmq.model.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * How a consumer stream frames its events. SSE: {@code id} is the delivery tag and
 * {@code data} the message, other events are named ({@code consumer}, {@code end}). NDJSON: one
 * JSON object a line; a message is recognized by its {@code delivery_tag}.
 */
enum StreamFormat {
  SSE("text/event-stream"),
  NDJSON(PublishRoutes.NDJSON);

  final String contentType;

  StreamFormat(String contentType) {
    this.contentType = contentType;
  }

  Buffer message(long deliveryTag, JsonObject message) {
    String json = message.encode();
    return this == SSE
        ? Buffer.buffer(json.length() + 32).appendString("id: ").appendString(Long.toString(deliveryTag))
            .appendString("\ndata: ").appendString(json).appendString("\n\n")
        : Buffer.buffer(json.length() + 1).appendString(json).appendString("\n");
  }

  /** A named event; in NDJSON the object itself (which carries the name as its key). */
  Buffer event(String name, JsonObject data) {
    return this == SSE
        ? Buffer.buffer("event: " + name + "\ndata: " + data.encode() + "\n\n")
        : Buffer.buffer(data.encode() + "\n");
  }

  /** ?format= wins; else the Accept header; else NDJSON. Fails NOT_ACCEPTABLE for types we cannot send. */
  static StreamFormat negotiate(RoutingContext ctx) {
    String format = Rest.query(ctx, "format", null);
    if (format != null) {
      return switch (format.toLowerCase(Locale.ROOT)) {
        case "sse", "event-stream" -> SSE;
        case "ndjson" -> NDJSON;
        default -> throw ErrorCode.INVALID_ARGUMENT.error("'format' must be sse or ndjson, got '" + format + "'");
      };
    }
    String accept = ctx.request().getHeader("Accept");
    if (accept == null || accept.isBlank()) {
      return NDJSON;
    }
    String a = accept.toLowerCase(Locale.ROOT);
    if (a.contains("text/event-stream")) {
      return SSE;
    }
    if (a.contains(PublishRoutes.NDJSON) || a.contains("*/*") || a.contains("application/*")
        || a.contains("application/json")) {
      return NDJSON;
    }
    throw ErrorCode.NOT_ACCEPTABLE.error("a stream is text/event-stream or application/x-ndjson, not " + accept);
  }
}
