package io.junctionmq.transport;

import io.junctionmq.config.JunctionConfig;
import io.junctionmq.model.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP listeners: plain on {@code http.port} (unless {@code http.plain} is false) and
 * HTTPS on {@code http.tls.port} (when {@code http.tls.cert} is set), both serving one router:
 * the REST API under {@code /api}, STOMP over WebSocket at {@code /ws}, the console at {@code /},
 * and {@link Health} at {@code /health} and {@code /ready}. They are bound before the broker
 * starts (so a node id derived from the port is known), and each transport mounts its routes on
 * {@link #router()} once the broker is ready; the health paths answer from the start.
 * {@link BrowserOrigins} checks the pages of other origins on {@code /ws} and {@code /api}.
 */
public final class WebServer {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);
  /** The STOMP versions offered on {@code /ws}, most preferred first. */
  public static final List<String> STOMP_SUBPROTOCOLS = List.of("v12.stomp", "v11.stomp", "v10.stomp");

  private final HttpServer plain;
  private final HttpServer tls;
  private final Router router;
  private final Health health;
  private volatile boolean ready;

  private WebServer(HttpServer plain, HttpServer tls, Router router, Health health) {
    this.plain = plain;
    this.tls = tls;
    this.router = router;
    this.health = health;
  }

  /**
   * Binds the listeners; completes when both listen, fails when a port cannot be bound or
   * (with a {@link io.junctionmq.config.ConfigException} naming the key) a TLS file is wrong.
   */
  public static Future<WebServer> listen(Vertx vertx, JunctionConfig config) {
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
    BrowserOrigins.mount(router, config, Integer.MIN_VALUE + 2);
    Future<HttpServerOptions> tlsOptions = config.httpTls()
        .map(tls -> vertx.executeBlocking(() -> tls.applyTo(vertx, options(config, config.httpTlsPort())), false))
        .orElse(Future.succeededFuture());
    return tlsOptions.compose(withTls -> bind(vertx, config.httpPlain() ? options(config, config.httpPort()) : null, router)
        .compose(plain -> bind(vertx, withTls, router)
            .onFailure(e -> close(plain))
            .map(tls -> {
              log.info("HTTP listening on {}", describe(config, plain, tls));
              return holder[0] = new WebServer(plain, tls, router, health);
            })));
  }

  private static HttpServerOptions options(JunctionConfig config, int port) {
    return new HttpServerOptions()
        .setHost(config.httpHost())
        .setPort(port)
        .setWebSocketSubProtocols(STOMP_SUBPROTOCOLS)
        .setMaxWebSocketFrameSize(Math.toIntExact(Math.min(config.stompMaxFrame(), Integer.MAX_VALUE)))
        .setMaxWebSocketMessageSize(Math.toIntExact(Math.min(config.stompMaxFrame(), Integer.MAX_VALUE)));
  }

  /** Listens with {@code options}; completes with null when there are none (the listener is off). */
  private static Future<HttpServer> bind(Vertx vertx, HttpServerOptions options, Router router) {
    return options == null ? Future.succeededFuture() : vertx.createHttpServer(options).requestHandler(router).listen();
  }

  private static Future<Void> close(HttpServer server) {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private static String describe(JunctionConfig config, HttpServer plain, HttpServer tls) {
    String host = config.httpHost();
    return (plain == null ? "" : "http://" + host + ":" + plain.actualPort())
        + (plain != null && tls != null ? " and " : "")
        + (tls == null ? "" : "https://" + host + ":" + tls.actualPort());
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

  /**
   * The bound port of the plain listener, or of the HTTPS one when {@code http.plain} is false:
   * the port a derived node id names (useful when {@code http.port} is 0).
   */
  public int port() {
    return (plain != null ? plain : tls).actualPort();
  }

  /** The bound HTTPS port; -1 without {@code http.tls.cert}. */
  public int tlsPort() {
    return tls == null ? -1 : tls.actualPort();
  }

  public Future<Void> close() {
    return close(plain).eventually(() -> close(tls));
  }
}
