package io.junctionmq.transport;

import io.junctionmq.config.JunctionConfig;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.transport.stomp.StompServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What pages of other origins may do in a browser: open {@code /ws} only from the origins of
 * {@code ws.allowed-origins} (a WebSocket is not bound by CORS, so without this check any page
 * could use a logged-in browser's connection), and call {@code /api} only from those of
 * {@code http.cors.allowed-origins}, by vertx-web's {@link CorsHandler}. A page of the server's
 * own origin, and a client that is no browser (no {@code Origin}), always pass. A refusal is a
 * 403 {@code access_refused} and an {@code auth.denied} log line.
 */
final class BrowserOrigins {
  private static final Logger log = LoggerFactory.getLogger(BrowserOrigins.class);
  static final String API_PATH = "/api/*";
  private static final Duration PREFLIGHT_MAX_AGE = Duration.ofMinutes(10);

  private BrowserOrigins() {
  }

  /** Mounts the checks on {@code router} at {@code order}, ahead of the routes they guard. */
  static void mount(Router router, JunctionConfig config, int order) {
    var ws = OriginPolicy.of(config.wsAllowedOrigins());
    router.route(StompServer.WS_PATH).order(order).handler(ctx -> {
      String origin = ctx.request().getHeader("Origin");
      if (ws.allows(origin, Origin.of(ctx.request()))) {
        ctx.next();
      } else {
        refuse(ctx, origin, "origin '" + origin + "' may not open " + StompServer.WS_PATH
            + " (ws.allowed-origins)");
      }
    });
    if (!config.httpCorsAllowedOrigins().isEmpty()) {
      var api = OriginPolicy.of(config.httpCorsAllowedOrigins());
      // No list of allowed headers: the raw publish takes any X-Header-<name>, so a preflight's
      // requested headers are echoed, for origins that are listed only.
      CorsHandler cors = CorsHandler.create()
          .addOrigins(api.listed())
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE))
          .exposedHeaders(Set.of("Location", "Retry-After"))
          .maxAgeSeconds((int) PREFLIGHT_MAX_AGE.toSeconds());
      router.route(API_PATH).order(order).handler(ctx -> {
        String origin = ctx.request().getHeader("Origin");
        if (origin == null || OriginPolicy.sameOrigin(origin, Origin.of(ctx.request()))) {
          ctx.next();
        } else if (api.listed(origin)) {
          cors.handle(ctx);
        } else {
          refuse(ctx, origin, "origin '" + origin + "' may not call /api (http.cors.allowed-origins)");
        }
      });
    }
  }

  private static void refuse(RoutingContext ctx, String origin, String reason) {
    String remote = String.valueOf(ctx.request().remoteAddress());
    log.atWarn().addKeyValue("event", "auth.denied").addKeyValue("reason", reason)
        .addKeyValue("remote", remote).addKeyValue("origin", origin)
        .log("refused {} {} from {}: {}", ctx.request().method(), ctx.request().path(), remote, reason);
    ctx.response().setStatusCode(ErrorCode.ACCESS_REFUSED.httpStatus())
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", ErrorCode.ACCESS_REFUSED.wireName())
            .put("reason", reason).encode());
  }
}
