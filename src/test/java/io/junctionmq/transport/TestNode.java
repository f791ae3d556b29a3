package io.junctionmq.transport;

import io.junctionmq.Junction;
import io.junctionmq.broker.Broker;
import io.junctionmq.config.JunctionConfig;
import io.junctionmq.store.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Map;

/**
 * A whole broker node for transport tests: its own Vert.x, a fresh migrated database on the
 * shared test PostgreSQL, HTTP and STOMP on ports the OS picks.
 *
 * <pre>{@code
 * static TestNode node = TestNode.start();          // in @BeforeAll
 * String ws = "ws://127.0.0.1:" + node.httpPort() + "/ws";
 * node.close();                                     // in @AfterAll
 * }</pre>
 */
public final class TestNode implements AutoCloseable {
  private final Vertx vertx;
  private final JunctionConfig config;
  private Junction junction;

  private TestNode(Vertx vertx, JunctionConfig config, Junction junction) {
    this.vertx = vertx;
    this.config = config;
    this.junction = junction;
  }

  public static TestNode start() {
    return start(Map.of());
  }

  /** Starts a node with these configuration keys on top of the test defaults. */
  public static TestNode start(Map<String, ?> overrides) {
    return start(overrides, new VertxOptions());
  }

  /** Starts a node with these keys on a Vert.x with these options (metrics, say). */
  public static TestNode start(Map<String, ?> overrides, VertxOptions options) {
    var config = JunctionConfig.defaults()
        .with(Map.of("pg.uri", TestPostgres.newDatabase(), "http.host", "127.0.0.1", "http.port", 0,
            "stomp.host", "127.0.0.1", "stomp.port", 0))
        .with(overrides);
    Vertx vertx = Vertx.builder().with(options).build();
    try {
      return new TestNode(vertx, config, Junction.start(vertx, config).await());
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("test node failed to start", e);
    }
  }

  /** Stops the node and starts it again on the same database (ports may change). */
  public void restart() {
    junction.close().await();
    junction = Junction.start(vertx, config).await();
  }

  public Vertx vertx() {
    return vertx;
  }

  public Junction junction() {
    return junction;
  }

  public Broker broker() {
    return junction.broker();
  }

  public int httpPort() {
    return junction.httpPort();
  }

  public String httpUrl() {
    return "http://127.0.0.1:" + httpPort();
  }

  public String wsUrl() {
    return "ws://127.0.0.1:" + httpPort() + "/ws";
  }

  @Override
  public void close() {
    try {
      junction.close().await();
    } finally {
      vertx.close().await();
    }
  }
}
