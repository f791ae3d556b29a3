package io.junctionmq.transport.stomp;

import io.junctionmq.broker.Broker;
import io.junctionmq.config.JunctionConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STOMP on a node: WebSocket at {@code /ws} on the HTTP server and plain TCP on
 * {@code stomp.port}, both served by {@link StompSession}.
 */
public final class StompServer {
  private static final Logger log = LoggerFactory.getLogger(StompServer.class);
  public static final String WS_PATH = "/ws";

  private final Vertx vertx;
  private final StompStats stats;
  private final TcpListener tcp;
  private final String deploymentId;

  private StompServer(Vertx vertx, StompStats stats, TcpListener tcp, String deploymentId) {
    this.vertx = vertx;
    this.stats = stats;
    this.tcp = tcp;
    this.deploymentId = deploymentId;
  }

  /**
   * Mounts {@code /ws} on {@code router} and listens on the STOMP TCP port; completes when it
   * listens, fails when the port cannot be bound.
   */
  public static Future<StompServer> start(Vertx vertx, JunctionConfig config, Broker broker, Router router) {
    var settings = StompSettings.of(config);
    var stats = new StompStats();
    SessionFactory sessions = transport -> new StompSession(vertx, broker, settings, stats, transport);
    router.route(WS_PATH).handler(ctx -> ctx.request().toWebSocket()
        .onSuccess(ws -> WebSocketTransport.serve(ws, sessions))
        .onFailure(e -> {
          if (!ctx.response().ended()) {
            ctx.response().setStatusCode(400).end("STOMP over WebSocket: " + e.getMessage());
          }
        }));
    var tcp = new TcpListener(config, sessions);
    return vertx.deployVerticle(tcp).map(id -> {
      log.info("STOMP listening on tcp {}:{} and ws {}", config.stompHost(), tcp.port(), WS_PATH);
      return new StompServer(vertx, stats, tcp, id);
    });
  }

  /** The bound TCP port (useful when {@code stomp.port} is 0). */
  public int port() {
    return tcp.port();
  }

  public StompStats stats() {
    return stats;
  }

  /** Stops listening on TCP; open TCP connections close with it. */
  public Future<Void> close() {
    return vertx.undeploy(deploymentId);
  }

  /** The TCP listener, in a verticle of its own so that it has its own event loop. */
  private static final class TcpListener extends VerticleBase {
    private final JunctionConfig config;
    private final SessionFactory sessions;
    private volatile NetServer server;

    TcpListener(JunctionConfig config, SessionFactory sessions) {
      this.config = config;
      this.sessions = sessions;
    }

    @Override
    public Future<?> start() {
      var options = new NetServerOptions().setHost(config.stompHost()).setPort(config.stompPort()).setTcpNoDelay(true);
      return vertx.createNetServer(options)
          .connectHandler(socket -> TcpTransport.serve(socket, sessions))
          .listen()
          .onSuccess(s -> server = s);
    }

    int port() {
      return server.actualPort();
    }
  }
}
