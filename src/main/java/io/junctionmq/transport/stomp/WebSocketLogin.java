package io.junctionmq.transport.stomp;

import io.junctionmq.broker.Broker;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.security.Identity;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * A token on the WebSocket handshake of {@code /ws}: in {@code Authorization: Bearer}, or, for
 * browsers (which cannot set headers on a WebSocket), in the query parameter {@code
 * access_token} or {@code token}. A token that checks out logs the STOMP session in, so its
 * CONNECT may bring no credentials; a refused one refuses the upgrade with 401 and a JSON
 * reason. Other {@code Authorization} schemes are left alone: a browser resends the Basic
 * credentials it holds for the origin, and the STOMP CONNECT logs in as it always has.
 */
final class WebSocketLogin {
  private WebSocketLogin() {
  }

  /** Calls {@code upgrade} with the handshake's user (null without a token), or answers 401. */
  static void handle(RoutingContext ctx, Broker broker, Handler<Identity> upgrade) {
    HttpServerRequest request = ctx.request();
    List<String> tokens;
    try {
      tokens = tokens(request);
    } catch (JunctionException e) {
      refuse(ctx, e);
      return;
    }
    if (tokens.isEmpty()) {
      upgrade.handle(null);
      return;
    }
    if (tokens.size() > 1) {
      refuse(ctx, ErrorCode.ACCESS_REFUSED.error("the handshake carries " + tokens.size()
          + " tokens; send one, in Authorization: Bearer or in access_token"));
      return;
    }
    // The upgrade reads the request's end: it must not pass while the token is checked.
    request.pause();
    String remote = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    broker.loginWithToken(tokens.get(0), remote, "ws").onComplete(ar -> {
      if (ar.succeeded()) {
        upgrade.handle(ar.result());
      } else {
        request.resume();
        refuse(ctx, ar.cause());
      }
    });
  }

  private static List<String> tokens(HttpServerRequest request) {
    var tokens = new ArrayList<String>();
    String header = request.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      tokens.add(header.substring(7).trim());
    }
    try {
      tokens.addAll(request.params().getAll("access_token"));
      tokens.addAll(request.params().getAll("token"));
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_ARGUMENT.error("the handshake's query string is malformed: " + e.getMessage());
    }
    if (tokens.stream().anyMatch(String::isEmpty)) {
      throw ErrorCode.ACCESS_REFUSED.error("the handshake carries an empty token");
    }
    return tokens;
  }

  private static void refuse(RoutingContext ctx, Throwable cause) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    JunctionException e = cause instanceof JunctionException j ? j : ErrorCode.ACCESS_REFUSED.error("login failed");
    if (e.code() == ErrorCode.ACCESS_REFUSED) {
      ctx.response().setStatusCode(401)
          .putHeader("WWW-Authenticate", "Bearer realm=\"Junction\", error=\"invalid_token\"");
    } else {
      ctx.response().setStatusCode(e.code().httpStatus());
    }
    ctx.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", e.code().wireName()).put("reason", e.reason()).encode());
  }
}
