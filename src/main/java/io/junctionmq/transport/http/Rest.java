package io.junctionmq.transport.http;

import io.junctionmq.model.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Small helpers the route classes share: reading parameters and bodies, writing JSON answers. */
final class Rest {
  static final String JSON = "application/json";
  static final String FORM = "application/x-www-form-urlencoded";

  private Rest() {
  }

  /** Answers {@code value} as JSON with {@code status}. */
  static void json(RoutingContext ctx, int status, Object value) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(Json.encode(value));
  }

  static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).end();
  }

  /** Completes the request from {@code future}: {@code onSuccess} answers, a failure goes to {@link HttpErrors}. */
  static <T> void reply(RoutingContext ctx, Future<T> future, java.util.function.BiConsumer<RoutingContext, T> onSuccess) {
    future.onComplete(ar -> {
      if (ar.succeeded()) {
        try {
          onSuccess.accept(ctx, ar.result());
        } catch (RuntimeException e) {
          ctx.fail(e);
        }
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  static <T> void replyJson(RoutingContext ctx, Future<T> future, Function<T, Object> body) {
    reply(ctx, future, (c, v) -> json(c, 200, body.apply(v)));
  }

  /** The vhost path parameter ({@code %2F} is {@code /}). */
  static String vhost(RoutingContext ctx) {
    return ctx.pathParam("vhost");
  }

  /** The exchange path parameter {@code name}; {@code amq.default} names the default exchange, as in RabbitMQ. */
  static String exchangeName(RoutingContext ctx, String param) {
    String name = ctx.pathParam(param);
    return "amq.default".equals(name) ? "" : name;
  }

  /** The request body as a JSON object; an empty body is {@code {}}; fails INVALID_ARGUMENT otherwise. */
  static JsonObject bodyObject(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    // curl -d sends application/x-www-form-urlencoded unless told otherwise: read it as JSON too.
    if (type != null && !isJson(type) && !baseType(type).equals(FORM)) {
      throw ErrorCode.UNSUPPORTED_MEDIA_TYPE.error("expected a JSON body (application/json), got " + type);
    }
    var body = ctx.body();
    return jsonObject(body == null || !body.available() ? null : body.buffer());
  }

  /** A request body as a JSON object; none or an empty one is {@code {}}; fails INVALID_ARGUMENT otherwise. */
  static JsonObject jsonObject(Buffer body) {
    if (body == null || body.length() == 0) {
      return new JsonObject();
    }
    try {
      Object v = Json.decodeValue(body);
      if (v instanceof JsonObject o) {
        return o;
      }
    } catch (DecodeException e) {
      throw ErrorCode.INVALID_ARGUMENT.error("the body is not valid JSON: " + firstLine(e.getMessage()));
    }
    throw ErrorCode.INVALID_ARGUMENT.error("the body must be a JSON object");
  }

  /** Whether a Content-Type is JSON: {@code application/json} or {@code application/<x>+json}. */
  static boolean isJson(String contentType) {
    String base = baseType(contentType);
    return base.equals(JSON) || base.startsWith("application/") && base.endsWith("+json");
  }

  /** The media type without parameters, lower case; "" for none. */
  static String baseType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
  }

  /** A query parameter (never a path parameter of the same name), or {@code dflt}. */
  static String query(RoutingContext ctx, String name, String dflt) {
    String v = ctx.queryParams().get(name);
    return v == null ? dflt : v;
  }

  static boolean flag(RoutingContext ctx, String name) {
    return flag(name, Rest.query(ctx, name, null));
  }

  /** A flag query parameter's value ({@code null}: absent); empty or {@code true} is true; else INVALID_ARGUMENT. */
  static boolean flag(String name, String v) {
    if (v == null) {
      return false;
    }
    if (v.isEmpty() || v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw ErrorCode.INVALID_ARGUMENT.error("query parameter '" + name + "' must be true or false, got '" + v + "'");
  }

  static int intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
    return intParam(name, Rest.query(ctx, name, null), dflt, min, max);
  }

  /** An integer query parameter's value from {@code min} to {@code max}; absent or empty is {@code dflt}. */
  static int intParam(String name, String v, int dflt, int min, int max) {
    if (v == null || v.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ErrorCode.INVALID_ARGUMENT.error("query parameter '" + name + "' must be an integer from " + min
        + " to " + max + ", got '" + v + "'");
  }

  /** A boolean field of a JSON body; absent is {@code dflt}; anything but a boolean fails INVALID_ARGUMENT. */
  static boolean bool(JsonObject body, String field, boolean dflt) {
    Object v = body.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw ErrorCode.INVALID_ARGUMENT.error("'" + field + "' must be true or false, got " + Json.encode(v));
  }

  static String string(JsonObject body, String field, String dflt) {
    Object v = body.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (v instanceof String s) {
      return s;
    }
    throw ErrorCode.INVALID_ARGUMENT.error("'" + field + "' must be a string, got " + Json.encode(v));
  }

  static JsonObject object(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return new JsonObject();
    }
    if (v instanceof JsonObject o) {
      return o;
    }
    throw ErrorCode.INVALID_ARGUMENT.error("'" + field + "' must be a JSON object, got " + Json.encode(v));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
