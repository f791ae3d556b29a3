package io.junctionmq.transport.http;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.store.StoreException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the HTTP transport turns a failure into a response: the status of the
 * {@link ErrorCode} and a body {@code {"error": "<code>", "reason": "..."}}. Anything that is
 * not an expected failure is logged once here and answered as {@code internal_error} without
 * internals.
 */
final class HttpErrors {
  private static final Logger log = LoggerFactory.getLogger(HttpErrors.class);

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
    ctx.response()
        .setStatusCode(e.code().httpStatus())
        .putHeader("Content-Type", "application/json")
        .end(body(e).encode());
  }

  static JsonObject body(JunctionException e) {
    return new JsonObject().put("error", e.code().wireName()).put("reason", e.reason());
  }

  /** The catalog error for {@code failure} (or, when it is null, for an HTTP status vertx-web chose). */
  static JunctionException translate(Throwable failure, int status, RoutingContext ctx) {
    if (failure instanceof JunctionException j) {
      return j;
    }
    if (failure instanceof DecodeException) {
      return ErrorCode.INVALID_ARGUMENT.error("the body is not valid JSON");
    }
    if (failure instanceof StoreException || failure instanceof ConnectException || fromSqlClient(failure)) {
      log.warn("{} {}: store failure: {}", ctx.request().method(), ctx.request().path(), failure.toString());
      return ErrorCode.STORE_UNAVAILABLE.error("the message store is unavailable");
    }
    if (failure == null || failure instanceof io.vertx.ext.web.handler.HttpException) {
      int code = failure == null ? status : ((io.vertx.ext.web.handler.HttpException) failure).getStatusCode();
      return switch (code) {
        case 400 -> ErrorCode.INVALID_ARGUMENT.error("bad request");
        case 404 -> ErrorCode.NOT_FOUND.error("no such resource: " + ctx.request().path());
        case 405 -> ErrorCode.METHOD_NOT_ALLOWED.error("method " + ctx.request().method() + " not allowed");
        case 406 -> ErrorCode.NOT_ACCEPTABLE.error("no acceptable content type");
        case 413 -> ErrorCode.PAYLOAD_TOO_LARGE.error("the request body is larger than http.max-body");
        case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE.error("unsupported content type");
        default -> internal(ctx, failure, code);
      };
    }
    return internal(ctx, failure, status);
  }

  private static JunctionException internal(RoutingContext ctx, Throwable failure, int status) {
    log.error("{} {}: failed with status {}", ctx.request().method(), ctx.request().path(), status, failure);
    return ErrorCode.INTERNAL_ERROR.error("internal error; the broker log has the details");
  }

  private static boolean fromSqlClient(Throwable t) {
    String name = t == null ? "" : t.getClass().getName();
    return name.startsWith("io.vertx.pgclient.") || name.startsWith("io.vertx.sqlclient.");
  }
}
