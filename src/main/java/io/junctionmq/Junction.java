package io.junctionmq;

import io.junctionmq.bench.Bench;
import io.junctionmq.broker.Broker;
import io.junctionmq.broker.BrokerImpl;
import io.junctionmq.cluster.ClusterSync;
import io.junctionmq.cluster.Clustering;
import io.junctionmq.cluster.MemberRole;
import io.junctionmq.cluster.Membership;
import io.junctionmq.cluster.Rebalancer;
import io.junctionmq.config.ConfigException;
import io.junctionmq.config.ConfigLoader;
import io.junctionmq.config.JunctionConfig;
import io.junctionmq.config.Keys;
import io.junctionmq.config.RebalanceMode;
import io.junctionmq.definitions.DefinitionsFile;
import io.junctionmq.metrics.JunctionMetrics;
import io.junctionmq.metrics.NodeSources;
import io.junctionmq.metrics.VertxMeters;
import io.junctionmq.queue.QueueLimits;
import io.junctionmq.security.AuthSettings;
import io.junctionmq.security.JwtSettings;
import io.junctionmq.security.PgSecurityStore;
import io.junctionmq.store.InMemoryMessageStore;
import io.junctionmq.store.Migrations;
import io.junctionmq.store.PgMessageStore;
import io.junctionmq.store.PgMetadataStore;
import io.junctionmq.store.PgPools;
import io.junctionmq.store.PostgresServer;
import io.junctionmq.store.StoreProbe;
import io.junctionmq.transport.WebServer;
import io.junctionmq.transport.eventbus.ClientEndpoint;
import io.junctionmq.transport.http.HttpApi;
import io.junctionmq.transport.stomp.StompServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Junction broker node: starts the store (an embedded PostgreSQL when no {@code pg.uri}
 * is configured), applies the schema migrations, recovers the broker and imports the
 * {@code definitions.file}, if any.
 */
public final class Junction {
  /** The system property that src/main/resources/logback.xml reads: {@code text} or {@code json}. */
  static final String LOG_FORMAT_PROPERTY = "junction.log.format";
  /** The system property that src/main/resources/logback.xml reads for the root level. */
  static final String LOG_LEVEL_PROPERTY = "junction.log.level";
  /** How long {@code /ready} waits for PostgreSQL, and how long it reuses an answer. */
  private static final Duration READY_STORE_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration READY_STORE_CACHE = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final JunctionConfig config;
  private final PostgresServer postgres;
  private final Pool pool;
  private final PgMessageStore durableStore;
  private final BrokerImpl broker;
  private final WebServer web;
  private final Transports transports;
  private final Membership membership;
  private final JunctionMetrics metrics;

  private Junction(Vertx vertx, JunctionConfig config, PostgresServer postgres, Pool pool,
                   PgMessageStore durableStore, BrokerImpl broker, WebServer web, Transports transports,
                   Membership membership, JunctionMetrics metrics) {
    this.vertx = vertx;
    this.membership = membership;
    this.metrics = metrics;
    this.config = config;
    this.web = web;
    this.transports = transports;
    this.postgres = postgres;
    this.pool = pool;
    this.durableStore = durableStore;
    this.broker = broker;
  }

  /**
   * Starts a broker node on {@code vertx}; completes when every durable queue is recovered
   * and the transports listen, fails when a port cannot be bound or the store cannot be
   * reached or migrated. The HTTP server is bound first: with {@code http.port} 0 the node
   * id is derived from the port it got.
   */
  public static Future<Junction> start(Vertx vertx, JunctionConfig config) {
    return WebServer.listen(vertx, config).compose(web ->
        start(vertx, config.with(Keys.HTTP_PORT.name(), web.port()), web)
            .onFailure(e -> web.close()));
  }

  private static Future<Junction> start(Vertx vertx, JunctionConfig config, WebServer web) {
    return Clustering.membership(vertx, config.nodeId(), MemberRole.BROKER).compose(membership -> {
      web.health().cluster(vertx.isClustered(), membership);
      return start(vertx, config, web, membership).onFailure(e -> membership.close());
    });
  }

  private static Future<Junction> start(Vertx vertx, JunctionConfig config, WebServer web, Membership membership) {
    Future<PostgresServer> embedded = config.pgUri().isPresent()
        ? Future.succeededFuture(null)
        : vertx.executeBlocking(() -> PostgresServer.start(config.pgEmbeddedDataDir(), config.pgEmbeddedPort(),
            config.pgEmbeddedFsync()), false);
    return embedded.compose(pg -> {
      String uri = pg != null ? pg.uri() : config.pgUri().orElseThrow();
      Pool pool = PgPools.create(vertx, uri, config.pgPoolMaxSize());
      web.health().store(new StoreProbe(pool, READY_STORE_TIMEOUT, READY_STORE_CACHE,
          pg != null ? pg::outage : Optional::empty));
      String nodeId = config.nodeId();
      var limits = new QueueLimits(config.queueWindowMessages(), config.queueWindowBytes(),
          config.consumerPrefetchDefault(), config.consumerPrefetchMax());
      var metrics = JunctionMetrics.create(vertx, limits, config.metricsQueueSeriesMax());
      var durableStore = new PgMessageStore(vertx, pool, nodeId, storeOptions(config), metrics.store());
      var rebalance = new Rebalancer.Settings(config.get(Keys.CLUSTER_REBALANCE) == RebalanceMode.AUTO,
          config.get(Keys.CLUSTER_REBALANCE_DELAY), config.get(Keys.CLUSTER_REBALANCE_CONCURRENCY));
      var settings = new BrokerImpl.Settings(limits, new ClusterSync.Settings(config.leaseTtl(),
          config.leaseRenewInterval(), config.clusterRequestTimeout(), rebalance));
      var broker = new BrokerImpl(vertx, membership, settings, new PgMetadataStore(pool),
          durableStore, new InMemoryMessageStore(), new PgSecurityStore(pool), authSettings(config))
          .latency(metrics.latency());
      broker.users().audit().observer(metrics.audit());
      return Migrations.apply(pool)
          .compose(v -> broker.start())
          .compose(v -> DefinitionsFile.load(vertx, broker, config.get(Keys.DEFINITIONS_FILE)))
          .compose(v -> mountTransports(vertx, config, broker, membership, web, metrics))
          // Only now: ready means the queues are recovered and every transport listens.
          .onSuccess(v -> web.health().recovered())
          .map(transports -> new Junction(vertx, config, pg, pool, durableStore, broker, web, transports, membership,
              metrics))
          // The embedded server is stopped before the failure is reported: main exits right after.
          .recover(e -> {
            metrics.close();
            return pool.close().eventually(() -> stopPostgres(vertx, pg)).transform(v -> Future.failedFuture(e));
          });
    });
  }

  private static AuthSettings authSettings(JunctionConfig config) {
    return new AuthSettings(config.get(Keys.AUTH_DEFAULT_USER), config.get(Keys.AUTH_DEFAULT_PASS),
        config.get(Keys.AUTH_LOOPBACK_USERS), config.get(Keys.AUTH_ANONYMOUS_USER), config.get(Keys.AUTH_ANONYMOUS_PASS),
        config.get(Keys.AUTH_FAILURE_DELAY).toMillis(), config.get(Keys.AUTH_MAX_FAILED_LOGINS),
        config.get(Keys.AUTH_FAILED_LOGIN_WINDOW).toMillis(), new JwtSettings(config.get(Keys.AUTH_JWT_KEYS),
            config.get(Keys.AUTH_JWT_JWKS_URL), config.get(Keys.AUTH_JWT_AUDIENCE),
            config.get(Keys.AUTH_JWT_USERNAME_CLAIM), config.get(Keys.AUTH_JWT_LEEWAY),
            config.get(Keys.AUTH_JWT_JWKS_TIMEOUT)));
  }

  /**
   * Mounts every transport on the started broker: REST under {@code /api}, STOMP on
   * {@code /ws} and on the TCP port, {@code /metrics}, the console. Each transport only calls
   * {@link Broker}.
   */
  private static Future<Transports> mountTransports(Vertx vertx, JunctionConfig config, BrokerImpl broker,
      Membership membership, WebServer web, JunctionMetrics metrics) {
    return HttpApi.mount(vertx, config, broker, web.router())
        .compose(v -> StompServer.start(vertx, config, broker, web.router()))
        .compose(stomp -> (vertx.isClustered() ? vertx.deployVerticle(new ClientEndpoint(broker))
            : Future.<String>succeededFuture()).map(clients -> new Transports(vertx, stomp, clients)))
        .map(transports -> {
          metrics.bind(new NodeSources(broker, transports.stomp().stats(), membership));
          metrics.mount(web.router(), HttpApi.metricsAccess(broker, config.get(Keys.METRICS_AUTH)));
          // Last, so that every other route wins: the static files of webroot/ (from the classpath).
          web.router().route("/*").handler(StaticHandler.create("webroot"));
          web.ready();
          return transports;
        });
  }

  /**
   * What {@link #mountTransports} started, to be stopped by {@link #close()}: the STOMP
   * servers and, when clustered, the deployment of the event-bus {@link ClientEndpoint}.
   */
  private record Transports(Vertx vertx, StompServer stomp, String clients) {
    Future<Void> close() {
      return stomp.close().eventually(() -> clients == null ? Future.succeededFuture()
          : vertx.undeploy(clients));
    }
  }

  public Broker broker() {
    return broker;
  }

  /** The configuration in force; {@code http.port} is the bound port. */
  public JunctionConfig config() {
    return config;
  }

  /** The port the HTTP server (REST, {@code /ws}, console) is bound to. */
  public int httpPort() {
    return web.port();
  }

  /** The port the STOMP TCP listener is bound to. */
  public int stompPort() {
    return transports.stomp().port();
  }

  /** The port the HTTPS listener is bound to; -1 without {@code http.tls.cert}. */
  public int httpTlsPort() {
    return web.tlsPort();
  }

  /** The port the STOMP-over-TLS listener is bound to; -1 without {@code stomp.tls.cert}. */
  public int stompTlsPort() {
    return transports.stomp().tlsPort();
  }

  /** The live broker nodes of the cluster; just this one when standalone. */
  public Membership membership() {
    return membership;
  }

  /** The node's meters, served at {@code /metrics}. */
  public JunctionMetrics metrics() {
    return metrics;
  }

  /** The STOMP transports (both WebSocket and TCP): counters for tests and metrics. */
  public StompServer stomp() {
    return transports.stomp();
  }

  /**
   * Stops the transports, then the broker, then leaves the membership (after the broker has
   * released its queues, so that others take them over at once), then the store; stored
   * messages stay for the next start.
   */
  public Future<Void> close() {
    return web.close()
        .eventually(transports::close)
        .eventually(() -> {
          metrics.close();
          return Future.succeededFuture();
        })
        .eventually(broker::stop)
        .eventually(membership::close)
        .eventually(durableStore::close)
        .eventually(pool::close)
        .eventually(() -> stopPostgres(vertx, postgres));
  }

  /** Stops an embedded PostgreSQL (if any) on a worker thread: stopping it blocks. */
  private static Future<Void> stopPostgres(Vertx vertx, PostgresServer postgres) {
    if (postgres == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      postgres.close();
      return null;
    }, false);
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("bench")) {
      System.exit(Bench.run(Arrays.copyOfRange(args, 1, args.length)));
    }
    if (args.length > 0 && args[0].equals("postgres")) {
      PostgresServer.runStandalone(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    JunctionConfig config;
    try {
      config = ConfigLoader.load();
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    // logback.xml reads these properties when the first logger is created, so nothing may log
    // before these lines (hence no static logger in this class): log.format and log.level come
    // from the config file as well as from the environment and system properties.
    System.setProperty(LOG_FORMAT_PROPERTY, config.logFormat().name().toLowerCase(Locale.ROOT));
    System.setProperty(LOG_LEVEL_PROPERTY, config.logLevel());
    Logger log = LoggerFactory.getLogger(Junction.class);
    Vertx vertx;
    try {
      vertx = Clustering.vertx(config, VertxMeters.enable(new VertxOptions())).await();
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      log.error("junction failed to join the cluster: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    Junction junction;
    try {
      junction = start(vertx, config).await();
    } catch (Exception e) {
      log.error("junction failed to start: {}", e.getMessage(), e);
      vertx.close();
      System.exit(1);
      return;
    }
    String nodeId = junction.config().nodeId();
    var started = log.atInfo().addKeyValue("event", "node.started").addKeyValue("node", nodeId)
        .addKeyValue("http_port", junction.httpPort()).addKeyValue("stomp_port", junction.stompPort());
    if (vertx.isClustered()) {
      started = started.addKeyValue("cluster", config.clusterName())
          .addKeyValue("members", junction.membership().members());
    }
    started.log("junction node {} started", nodeId);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        log.atInfo().addKeyValue("event", "node.stopping").addKeyValue("node", nodeId)
            .log("junction node {} stopping", nodeId);
        junction.close().await();
        vertx.close().await();
        log.atInfo().addKeyValue("event", "node.stopped").addKeyValue("node", nodeId)
            .log("junction node {} stopped", nodeId);
      } catch (Exception e) {
        log.warn("shutdown: {}", e.getMessage());
      }
    }, "junction-shutdown"));
  }

  /** The write pipeline's limits from {@code store.batch.max-messages} and {@code store.max-pending}. */
  static PgMessageStore.Options storeOptions(JunctionConfig config) {
    return PgMessageStore.Options.DEFAULTS.withMaxQueuedCalls(config.storeMaxPending())
        .withMaxBatchRows(config.storeBatchMaxMessages());
  }
}
