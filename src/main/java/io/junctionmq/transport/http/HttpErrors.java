package io.junctionmq.transport.http;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Failures;
import io.junctionmq.model.JunctionException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * The one place where the HTTP transport turns a failure into a response: the status of the
 * {@link ErrorCode} and a body {@code {"error": "<code>", "reason": "..."}}. Besides what only
 * HTTP has (vertx-web's statuses, a body that is no JSON), it leaves the translation to
 * {@link Failures}, which logs what it did not expect, once.
 */
final class HttpErrors {
  private HttpErrors() {
  }

  /** The router's failure handler: every failed routing context of {@code /api} ends here. */
  static void handle(RoutingContext ctx) {
    JunctionException e = translate(ctx.failure(), ctx.statusCode(), ctx);
    if (ctx.response().headWritten()) {
      // A stream already answered 200; all we can do is end it.
      ctx.response().reset();
      return;
    }
    send(ctx, e);
  }

  static void send(RoutingContext ctx, JunctionException e) {
    send(ctx, e.code().httpStatus(), e);
  }

  /** As {@link #send(RoutingContext, JunctionException)}, with another status than the code's (401 for a login). */
  static void send(RoutingContext ctx, int status, JunctionException e) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body(e).encode());
  }

  static JsonObject body(JunctionException e) {
    return new JsonObject().put("error", e.code().wireName()).put("reason", e.reason());
  }

  /** The catalog error for {@code failure} (or, when it is null, for an HTTP status vertx-web chose). */
  static JunctionException translate(Throwable failure, int status, RoutingContext ctx) {
    if (failure instanceof DecodeException) {
      return ErrorCode.INVALID_ARGUMENT.error("the body is not valid JSON");
    }
    if (failure == null || failure instanceof HttpException) {
      int code = failure == null ? status : ((HttpException) failure).getStatusCode();
      JunctionException e = ofStatus(code, ctx);
      if (e != null) {
        return e;
      }
      if (failure == null) {
        return Failures.translate(null, where(ctx) + " (status " + code + ")");
      }
    }
    return Failures.translate(failure, where(ctx));
  }

  private static JunctionException ofStatus(int status, RoutingContext ctx) {
    return switch (status) {
      case 400 -> ErrorCode.INVALID_ARGUMENT.error("bad request");
      case 404 -> ErrorCode.NOT_FOUND.error("no such resource: " + ctx.request().path());
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED.error("method " + ctx.request().method() + " not allowed");
      case 406 -> ErrorCode.NOT_ACCEPTABLE.error("no acceptable content type");
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE.error("the request body is larger than http.max-body");
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE.error("unsupported content type");
      default -> null;
    };
  }

  private static String where(RoutingContext ctx) {
    return "HTTP " + ctx.request().method() + " " + ctx.request().path();
  }
}
