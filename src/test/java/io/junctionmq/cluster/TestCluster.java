package io.junctionmq.cluster;

import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import io.junctionmq.Junction;
import io.junctionmq.config.JunctionConfig;
import io.junctionmq.config.Keys;
import io.junctionmq.store.PostgresServer;
import io.junctionmq.store.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Several whole Junction nodes in this JVM, each on its own clustered Vert.x (a real Hazelcast
 * member on loopback), all on one fresh database of the shared test PostgreSQL. Every
 * TestCluster has a cluster name of its own, so clusters of different tests never meet.
 * Nodes are numbered from 0; node {@code i} is named {@code n<i>} and keeps its ports (HTTP,
 * STOMP, Hazelcast) across restarts.
 *
 * <pre>{@code
 * try (var cluster = TestCluster.start(3)) {
 *   cluster.kill(1);                      // a crash: no goodbye to Hazelcast, leases left to expire
 *   cluster.awaitMembers(0, 2);
 *   cluster.restart(1);
 *   cluster.awaitMembers(3);              // every live node sees 3
 * }
 * }</pre>
 */
public final class TestCluster implements AutoCloseable {
  /** Bound on every wait of the fixture. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final AtomicInteger clusters = new AtomicInteger();

  private final String name;
  private final String pgUri;
  private final String members;
  private final List<Node> nodes;

  private TestCluster(String name, String pgUri, String members, List<Node> nodes) {
    this.name = name;
    this.pgUri = pgUri;
    this.members = members;
    this.nodes = nodes;
  }

  /** Starts {@code n} nodes with the test defaults and waits until each sees all {@code n}. */
  public static TestCluster start(int n) {
    return start(n, Map.of());
  }

  /**
   * Starts {@code n} nodes with these configuration keys over the test defaults (e.g. a short
   * {@code lease.ttl}) and waits until each sees all {@code n}.
   */
  public static TestCluster start(int n, Map<String, ?> overrides) {
    String name = "test-" + ProcessHandle.current().pid() + "-" + clusters.incrementAndGet();
    String pgUri = TestPostgres.newDatabase();
    List<Integer> hazelcastPorts = IntStream.range(0, n).mapToObj(i -> FreePorts.next()).toList();
    String members = hazelcastPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    var nodes = new ArrayList<Node>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> keys = new HashMap<>(Map.of(
          "node.id", "n" + i, "pg.uri", pgUri,
          "http.host", "127.0.0.1", "http.port", FreePorts.next(),
          "stomp.host", "127.0.0.1", "stomp.port", FreePorts.next(),
          "cluster.enabled", true, "cluster.name", name,
          "cluster.port", hazelcastPorts.get(i), "cluster.members", members));
      keys.put("cluster.bus-port", FreePorts.next());
      keys.putAll(overrides);
      nodes.add(new Node(JunctionConfig.defaults().with(keys)));
    }
    var cluster = new TestCluster(name, pgUri, members, nodes);
    try {
      // All at once, as an operator starting three processes would: they find each other.
      Future.join(nodes.stream().map(Node::startVertx).toList()).await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Future.join(nodes.stream().map(Node::startJunction).toList()).await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      cluster.awaitMembers(n);
      return cluster;
    } catch (Exception e) {
      try {
        cluster.close();
      } catch (RuntimeException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw new IllegalStateException("test cluster " + name + " failed to start: " + cluster.seen(), e);
    }
  }

  /** The Hazelcast cluster name, unique to this TestCluster. */
  public String name() {
    return name;
  }

  /** The Hazelcast addresses of the broker nodes, as {@code cluster.members} takes them. */
  public String members() {
    return members;
  }

  /**
   * The configuration of a Vert.x application joining this cluster without being a broker
   * (for {@code Clustering.vertx}): the cluster's name and members, a Hazelcast port of its own.
   */
  public JunctionConfig memberConfig() {
    return JunctionConfig.defaults().with(Map.of("cluster.enabled", true, "cluster.name", name,
        "cluster.port", FreePorts.next(), "cluster.members", members));
  }

  /** The database every node uses. */
  public String pgUri() {
    return pgUri;
  }

  public int size() {
    return nodes.size();
  }

  /** Node {@code i}; fails if it is not running. */
  public Junction node(int i) {
    return Objects.requireNonNull(nodes.get(i).junction, () -> "node " + i + " is not running");
  }

  /** The Vert.x of node {@code i}; fails if it is not running. */
  public Vertx vertx(int i) {
    return Objects.requireNonNull(nodes.get(i).vertx, () -> "node " + i + " is not running");
  }

  /** {@code n<i>}, node {@code i}'s node id, running or not. */
  public String nodeId(int i) {
    return nodes.get(i).config.nodeId();
  }

  public String httpUrl(int i) {
    return "http://127.0.0.1:" + nodes.get(i).config.httpPort();
  }

  /** The port node {@code i}'s event bus listens on ({@code cluster.bus-port}). */
  public int busPort(int i) {
    return nodes.get(i).config.get(Keys.CLUSTER_BUS_PORT);
  }

  public int stompPort(int i) {
    return nodes.get(i).config.stompPort();
  }

  public boolean isRunning(int i) {
    return nodes.get(i).junction != null;
  }

  /** The indexes of the running nodes. */
  public List<Integer> running() {
    return IntStream.range(0, nodes.size()).filter(this::isRunning).boxed().toList();
  }

  /**
   * Crashes node {@code i}: its Hazelcast member is terminated without leaving the cluster
   * (the others notice the closed connections at once), then its Vert.x is closed, which
   * stops its servers and queues without releasing their leases.
   */
  public void kill(int i) {
    Node node = nodes.get(i);
    node.requireRunning(i);
    hazelcast(node.vertx).getHazelcastInstance().getLifecycleService().terminate();
    node.closeVertx();
  }

  /** Stops node {@code i} gracefully: the broker releases its queues, then the node leaves the cluster. */
  public void stop(int i) {
    Node node = nodes.get(i);
    node.requireRunning(i);
    try {
      node.junction.close().await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("node " + i + " did not stop", e);
    } finally {
      node.closeVertx();
    }
  }

  /** Starts node {@code i} again (after {@link #kill} or {@link #stop}) with the same node id and ports. */
  public void restart(int i) {
    Node node = nodes.get(i);
    if (node.junction != null) {
      throw new IllegalStateException("node " + i + " is running");
    }
    try {
      node.startVertx().await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      node.startJunction().await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      node.closeVertx();
      throw new IllegalStateException("node " + i + " did not restart", e);
    }
  }

  /** Waits until node {@code i} sees exactly {@code count} live broker members. */
  public void awaitMembers(int i, int count) {
    await("node " + i + " sees " + count + " members").atMost(TIMEOUT).pollInterval(Duration.ofMillis(20))
        .until(() -> node(i).membership().members().size() == count);
  }

  /** Waits until every running node sees exactly the running nodes. */
  public void awaitMembers(int count) {
    await("every running node sees " + count + " members (" + seen() + " when the wait began)").atMost(TIMEOUT).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          Set<String> expected = running().stream().map(this::nodeId).collect(Collectors.toSet());
          return expected.size() == count
              && running().stream().allMatch(i -> node(i).membership().members().equals(expected));
        });
  }

  /**
   * The node holding an unexpired lease on the queue, as the lease row in PostgreSQL says
   * (DESIGN §3: the lease, not Hazelcast, decides ownership).
   */
  public Optional<String> owner(String vhost, String queue) {
    String sql = "SELECT l.owner FROM queue_lease l JOIN queue q ON q.id = l.queue_id"
        + " WHERE q.vhost = ? AND q.name = ? AND l.owner IS NOT NULL AND l.expires_at > now()";
    String jdbc = "jdbc:" + pgUri.replaceFirst("//" + PostgresServer.USER + "@", "//") + "?user=" + PostgresServer.USER;
    try (var c = DriverManager.getConnection(jdbc); var s = c.prepareStatement(sql)) {
      s.setString(1, vhost);
      s.setString(2, queue);
      try (var rs = s.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the lease of " + queue, e);
    }
  }

  /** Waits until the queue has an owner that is a running node, and returns it. */
  public String awaitOwner(String vhost, String queue) {
    return awaitOwner(vhost, queue, Set.of());
  }

  /** Waits until the queue has an owner that is a running node and none of {@code not}, and returns it. */
  public String awaitOwner(String vhost, String queue, Set<String> not) {
    Set<String> live = running().stream().map(this::nodeId).collect(Collectors.toSet());
    return await(queue + " has a live owner other than " + not).atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> owner(vhost, queue).filter(live::contains).filter(o -> !not.contains(o)), Optional::isPresent)
        .orElseThrow();
  }

  /** What each running node sees, for failure messages: {@code {n0=[n0, n1], n1=[n0, n1]}}. */
  public Map<String, Set<String>> seen() {
    Map<String, Set<String>> seen = new java.util.TreeMap<>();
    for (int i : running()) {
      seen.put(nodeId(i), node(i).membership().members());
    }
    return seen;
  }

  /** Node {@code i}'s index by its node id. */
  public int indexOf(String nodeId) {
    return IntStream.range(0, nodes.size()).filter(i -> nodeId(i).equals(nodeId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + nodeId));
  }

  /** Stops every running node gracefully, all at once: first the brokers, then their Vert.x and Hazelcast. */
  @Override
  public void close() {
    var junctions = new ArrayList<Future<Void>>();
    var vertxes = new ArrayList<Vertx>();
    for (Node node : nodes) {
      if (node.junction != null) {
        junctions.add(node.junction.close());
      }
      if (node.vertx != null) {
        vertxes.add(node.vertx);
      }
      node.junction = null;
      node.vertx = null;
    }
    try {
      // Two steps awaited from this thread: a continuation of a node's own future that ran
      // after its Vert.x closed would be scheduled on a terminated event loop and never run.
      Future.join(junctions).await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // The Vert.x instances are closed below all the same.
    } finally {
      try {
        Future.join(vertxes.stream().map(Vertx::close).toList()).await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("test cluster " + name + " did not close", e);
      }
    }
  }

  private static HazelcastClusterManager hazelcast(Vertx vertx) {
    return (HazelcastClusterManager) ((VertxInternal) vertx).clusterManager();
  }

  /** One node's configuration and, while it runs, its Vert.x and Junction. */
  private static final class Node {
    final JunctionConfig config;
    volatile Vertx vertx;
    volatile Junction junction;

    Node(JunctionConfig config) {
      this.config = config;
    }

    Future<Vertx> startVertx() {
      Config hazelcast = HazelcastCluster.config(config, Path.of(""));
      return HazelcastCluster.vertx(config, hazelcast).onSuccess(v -> vertx = v);
    }

    /**
     * Call from a test thread, not from a callback of {@link #startVertx}: with Vert.x 5.0.10
     * a server that listens from the context on which {@code buildClustered()} completes is
     * not closed when that Vert.x closes (measured: its port stays bound).
     */
    Future<Junction> startJunction() {
      return Junction.start(vertx, config).onSuccess(j -> junction = j);
    }

    void requireRunning(int i) {
      if (junction == null) {
        throw new IllegalStateException("node " + i + " is not running");
      }
    }

    void closeVertx() {
      Vertx v = vertx;
      vertx = null;
      junction = null;
      if (v != null) {
        try {
          v.close().await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("a node's Vert.x did not close", e);
        }
      }
    }
  }
}
