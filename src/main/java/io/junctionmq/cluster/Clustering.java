package io.junctionmq.cluster;

import io.junctionmq.config.JunctionConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node joins its cluster. A standalone node ({@code cluster.enabled} false, the default)
 * runs on a plain Vert.x and never loads Hazelcast; a clustered one runs on a Vert.x
 * clustered through vertx-hazelcast, configured by {@code conf/cluster.xml} and the
 * {@code cluster.*} keys (docs/cluster.md).
 *
 * <pre>{@code
 * Vertx vertx = Clustering.vertx(config).await();
 * Junction junction = Junction.start(vertx, config).await();   // junction.membership()
 * }</pre>
 */
public final class Clustering {
  private static final Logger log = LoggerFactory.getLogger(Clustering.class);

  private Clustering() {
  }

  /**
   * The node's Vert.x: {@code Vertx.vertx()} when standalone; otherwise one on a new
   * Hazelcast member, completing once it has joined the cluster (or, finding no other
   * member in time, formed one). Blocking: it reads the Hazelcast file; call it from a
   * main thread, not an event loop.
   *
   * @throws io.junctionmq.config.ConfigException if the Hazelcast file is missing or invalid
   */
  public static Future<Vertx> vertx(JunctionConfig config) {
    return vertx(config, new VertxOptions());
  }

  /**
   * As {@link #vertx(JunctionConfig)}, with {@code options} (metrics, thread pools); the event
   * bus options are set from {@code config} when clustered.
   */
  public static Future<Vertx> vertx(JunctionConfig config, VertxOptions options) {
    if (!config.clusterEnabled()) {
      return Future.succeededFuture(Vertx.builder().with(options).build());
    }
    if (config.pgUri().isEmpty()) {
      log.warn("cluster.enabled without pg.uri: this node starts an embedded PostgreSQL of its own, "
          + "but the nodes of a cluster must share one (set pg.uri on every node)");
    }
    return HazelcastCluster.vertx(config, HazelcastCluster.config(config, Path.of("")), options);
  }

  /**
   * A Vert.x for an application that joins the cluster of {@code config} to reach the brokers
   * with a {@code JunctionClient}: as {@link #vertx(JunctionConfig)}, but its Hazelcast member
   * is a lite member, which holds no partitions of the cluster's data, so that it joins and
   * leaves (or crashes) without data migrating. Fails if {@code cluster.enabled} is false.
   */
  public static Future<Vertx> clientVertx(JunctionConfig config) {
    if (!config.clusterEnabled()) {
      return Future.failedFuture(new IllegalArgumentException("a client joins a cluster: set cluster.enabled"));
    }
    return HazelcastCluster.vertx(config, HazelcastCluster.config(config, Path.of("")).setLiteMember(true));
  }

  /**
   * The membership of node {@code self} on {@code vertx}: standalone unless {@code vertx} is
   * clustered; then {@code self} is registered with {@code role}, and the future completes
   * once the registration is stored and the other members are known. Fails if the cluster
   * manager is not Hazelcast's or Hazelcast does not answer within 30 s.
   */
  public static Future<Membership> membership(Vertx vertx, String self, MemberRole role) {
    if (!vertx.isClustered()) {
      return Future.succeededFuture(Membership.standalone(self));
    }
    return HazelcastMembership.join(vertx, ((VertxInternal) vertx).clusterManager(), self, role);
  }
}
