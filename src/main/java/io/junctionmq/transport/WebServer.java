package io.junctionmq.transport;

import io.junctionmq.config.JunctionConfig;
import io.junctionmq.model.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * The node's one HTTP server on {@code http.port}: the REST API under {@code /api}, STOMP
 * over WebSocket at {@code /ws}, the console at {@code /}, and {@link Health} at
 * {@code /health} and {@code /ready}. It is bound before the broker starts (so a node id
 * derived from the port is known), and each transport mounts its routes on {@link #router()}
 * once the broker is ready; the health paths answer from the start.
 */
public final class WebServer {
  /** The STOMP versions offered on {@code /ws}, most preferred first. */
  public static final List<String> STOMP_SUBPROTOCOLS = List.of("v12.stomp", "v11.stomp", "v10.stomp");

  private final HttpServer server;
  private final Router router;
  private final Health health;
  private volatile boolean ready;

  private WebServer(HttpServer server, Router router, Health health) {
    this.server = server;
    this.router = router;
    this.health = health;
  }

  public static Future<WebServer> listen(Vertx vertx, JunctionConfig config) {
    var options = new HttpServerOptions()
        .setHost(config.httpHost())
        .setPort(config.httpPort())
        .setWebSocketSubProtocols(STOMP_SUBPROTOCOLS)
        .setMaxWebSocketFrameSize(Math.toIntExact(Math.min(config.stompMaxFrame(), Integer.MAX_VALUE)))
        .setMaxWebSocketMessageSize(Math.toIntExact(Math.min(config.stompMaxFrame(), Integer.MAX_VALUE)));
    Router router = Router.router(vertx);
    var health = new Health();
    health.mount(router, Integer.MIN_VALUE);
    var holder = new WebServer[1];
    // Until the transports are mounted, every other request gets a clear 503 rather than a 404.
    router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> {
      if (holder[0] != null && holder[0].ready) {
        ctx.next();
      } else {
        ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
            .putHeader("Retry-After", "1")
            .end("{\"error\":\"" + ErrorCode.UNAVAILABLE.wireName() + "\",\"reason\":\"the node is starting\"}");
      }
    });
    return vertx.createHttpServer(options)
        .requestHandler(router)
        .listen()
        .map(server -> holder[0] = new WebServer(server, router, health));
  }

  /** The transports are mounted: requests go to their routes from now on. */
  public void ready() {
    ready = true;
  }

  public Router router() {
    return router;
  }

  /** The readiness checks of {@code /ready}, for the node to put in place as it starts. */
  public Health health() {
    return health;
  }

  /** The bound port (useful when {@code http.port} is 0). */
  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close();
  }
}
