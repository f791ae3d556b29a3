package io.junctionmq.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.junctionmq.config.ConfigException;
import io.junctionmq.config.JunctionConfig;
import io.junctionmq.config.Keys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Hazelcast side of {@link Clustering}: reads the Hazelcast XML, applies the node's
 * {@code cluster.*} keys over it and starts a clustered Vert.x. Only a clustered node loads
 * this class, and with it Hazelcast.
 */
final class HazelcastCluster {
  /** The Hazelcast file in the jar; {@code conf/cluster.xml} in the repository is its source. */
  static final String CLASSPATH_CONFIG = "cluster.xml";
  /** Read instead of the jar's copy when it exists in the working directory. */
  static final Path DEFAULT_FILE = Path.of("conf", "cluster.xml");
  private static final Pattern LOOPBACK =
      Pattern.compile("(?:127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|localhost|\\[(?:0*:)*:?0*1\\]):\\d+");

  private HazelcastCluster() {
  }

  /** As {@link #vertx(JunctionConfig, Config, VertxOptions)} with default options. */
  static Future<Vertx> vertx(JunctionConfig config, Config hazelcast) {
    return vertx(config, hazelcast, new VertxOptions());
  }

  /**
   * Starts Hazelcast, configured by {@code hazelcast} (usually {@link #config}), and a Vert.x
   * with {@code options} on it; completes once this node has joined (or formed) the cluster.
   * The event bus listens on {@link #host} when there is one, so that nodes on loopback reach
   * each other there, and on {@code cluster.bus-port} (0: a free port).
   */
  static Future<Vertx> vertx(JunctionConfig config, Config hazelcast, VertxOptions options) {
    host(config).ifPresent(host -> options.getEventBusOptions().setHost(host));
    options.getEventBusOptions().setPort(config.get(Keys.CLUSTER_BUS_PORT));
    return Vertx.builder()
        .with(options)
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered();
  }

  /**
   * The Hazelcast configuration of a node: the file ({@code cluster.config}, else
   * {@code conf/cluster.xml} under {@code workingDir}, else the jar's copy) with the
   * {@code cluster.*} keys applied. Blocking: it reads a file.
   *
   * @throws ConfigException if the named file is missing or not a valid Hazelcast file
   */
  static Config config(JunctionConfig config, Path workingDir) {
    return apply(read(config, workingDir), config);
  }

  private static Config read(JunctionConfig config, Path workingDir) {
    Optional<Path> named = config.clusterConfig().map(workingDir::resolve);
    Path file = named.orElse(workingDir.resolve(DEFAULT_FILE));
    String label = named.isPresent() ? Keys.CLUSTER_CONFIG.name() + " " + file : file.toString();
    try {
      if (Files.exists(file)) {
        try (InputStream in = Files.newInputStream(file)) {
          return new XmlConfigBuilder(in).build();
        }
      }
      if (named.isPresent()) {
        throw new ConfigException(List.of(label + ": Hazelcast config file not found"));
      }
      label = "the jar's " + CLASSPATH_CONFIG;
      try (InputStream in = HazelcastCluster.class.getClassLoader().getResourceAsStream(CLASSPATH_CONFIG)) {
        if (in == null) {
          throw new IllegalStateException(CLASSPATH_CONFIG + " is missing from the classpath");
        }
        return new XmlConfigBuilder(in).build();
      }
    } catch (IOException e) {
      throw new ConfigException(List.of(label + ": cannot read the Hazelcast config (" + e + ")"));
    } catch (InvalidConfigurationException e) {
      throw new ConfigException(List.of(label + ": invalid Hazelcast config (" + e.getMessage() + ")"));
    }
  }

  /**
   * Pure: sets the cluster name, the port (no auto-increment: a node is where it is told to
   * be), the interface from {@link #host}, and, when {@code cluster.members} is set, a TCP-IP
   * join to exactly those members as the only join method. Returns {@code hazelcast}.
   */
  static Config apply(Config hazelcast, JunctionConfig config) {
    hazelcast.setClusterName(config.clusterName());
    NetworkConfig network = hazelcast.getNetworkConfig();
    network.setPort(config.clusterPort()).setPortAutoIncrement(false);
    host(config).ifPresent(host -> {
      network.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
      // Bind that address only: a node told to live on loopback is not reachable from outside.
      hazelcast.setProperty("hazelcast.socket.bind.any", "false");
    });
    List<String> members = config.clusterMembers();
    if (!members.isEmpty()) {
      JoinConfig join = network.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(members);
    }
    return hazelcast;
  }

  /**
   * The address to bind and advertise: {@code cluster.host}; else {@code 127.0.0.1} when
   * {@code cluster.members} is non-empty and every member is on loopback (a cluster on one
   * machine); else none, and Hazelcast picks an interface (the event bus then uses the same).
   */
  static Optional<String> host(JunctionConfig config) {
    if (config.clusterHost().isPresent()) {
      return config.clusterHost();
    }
    List<String> members = config.clusterMembers();
    if (!members.isEmpty() && members.stream().allMatch(HazelcastCluster::isLoopback)) {
      return Optional.of("127.0.0.1");
    }
    return Optional.empty();
  }

  /** Whether a {@code host:port} is on the loopback interface, judged by its text alone. */
  static boolean isLoopback(String hostPort) {
    return LOOPBACK.matcher(hostPort).matches();
  }
}
