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
 * STOMP on a node: WebSocket at {@code /ws} on the HTTP server (plain and HTTPS, with a token on
 * the handshake if the client has one: {@link WebSocketLogin}), TCP on {@code stomp.port} and
 * TLS on {@code stomp.tls.port}, all served by {@link StompSession}.
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
   * Mounts {@code /ws} on {@code router} and listens on the STOMP TCP ports (plain and TLS, as
   * configured); completes when it listens, fails when a port cannot be bound or (with a
   * {@link io.junctionmq.config.ConfigException} naming the key) a TLS file is wrong.
   */
  public static Future<StompServer> start(Vertx vertx, JunctionConfig config, Broker broker, Router router) {
    var settings = StompSettings.of(config);
    var stats = new StompStats();
    SessionFactory sessions = transport -> new StompSession(vertx, broker, settings, stats, transport);
    router.route(WS_PATH).handler(ctx -> WebSocketLogin.handle(ctx, broker, user -> ctx.request().toWebSocket()
        .onSuccess(ws -> WebSocketTransport.serve(ws, sessions, user))
        .onFailure(e -> {
          if (!ctx.response().ended()) {
            ctx.response().setStatusCode(400).end("STOMP over WebSocket: " + e.getMessage());
          }
        })));
    Future<NetServerOptions> tlsOptions = config.stompTls()
        .map(tls -> vertx.executeBlocking(() -> tls.applyTo(vertx, options(config, config.stompTlsPort())), false))
        .orElse(Future.succeededFuture());
    return tlsOptions.compose(withTls -> {
      var tcp = new TcpListener(config.stompPlain() ? options(config, config.stompPort()) : null, withTls, sessions);
      return vertx.deployVerticle(tcp).map(id -> {
        log.info("STOMP listening on {} and ws {}", tcp.describe(config.stompHost()), WS_PATH);
        return new StompServer(vertx, stats, tcp, id);
      });
    });
  }

  private static NetServerOptions options(JunctionConfig config, int port) {
    return new NetServerOptions().setHost(config.stompHost()).setPort(port).setTcpNoDelay(true);
  }

  /** The bound plain TCP port (useful when {@code stomp.port} is 0); -1 when {@code stomp.plain} is false. */
  public int port() {
    return tcp.plainPort();
  }

  /** The bound STOMP-over-TLS port; -1 without {@code stomp.tls.cert}. */
  public int tlsPort() {
    return tcp.tlsPort();
  }

  public StompStats stats() {
    return stats;
  }

  /** Stops listening on TCP; open TCP connections close with it. */
  public Future<Void> close() {
    return vertx.undeploy(deploymentId);
  }

  /** The TCP listeners, in a verticle of their own so that they have their own event loop. */
  private static final class TcpListener extends VerticleBase {
    private final NetServerOptions plainOptions;
    private final NetServerOptions tlsOptions;
    private final SessionFactory sessions;
    private volatile NetServer plain;
    private volatile NetServer tls;

    /** Either options may be null: that listener is off. */
    TcpListener(NetServerOptions plainOptions, NetServerOptions tlsOptions, SessionFactory sessions) {
      this.plainOptions = plainOptions;
      this.tlsOptions = tlsOptions;
      this.sessions = sessions;
    }

    @Override
    public Future<?> start() {
      return listen(plainOptions).compose(p -> {
        plain = p;
        return listen(tlsOptions);
      }).onSuccess(t -> tls = t);
    }

    private Future<NetServer> listen(NetServerOptions options) {
      return options == null ? Future.succeededFuture() : vertx.createNetServer(options)
          .connectHandler(socket -> TcpTransport.serve(socket, sessions))
          .listen();
    }

    int plainPort() {
      return plain == null ? -1 : plain.actualPort();
    }

    int tlsPort() {
      return tls == null ? -1 : tls.actualPort();
    }

    String describe(String host) {
      return (plain == null ? "" : "tcp " + host + ":" + plain.actualPort())
          + (plain != null && tls != null ? ", " : "")
          + (tls == null ? "" : "tls " + host + ":" + tls.actualPort());
    }
  }
}
