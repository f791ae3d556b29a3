package io.junctionmq.cluster;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.Set;

/**
 * The live broker nodes of the cluster, by Junction node id ({@code node.id}). A standalone
 * node is a cluster of one; a clustered node learns the others from Hazelcast
 * ({@link Clustering#membership}). Members that are not brokers (a {@code JunctionClient}
 * joined to the cluster) are never listed.
 */
public interface Membership {
  /** This node's Junction node id (config node.id, or the derived host-port one). */
  String self();

  /** Junction node ids of the live broker members, self included; standalone: just self. */
  Set<String> members();

  /**
   * Whether this node is in the cluster now: its member runs and the others can see its
   * registration. Always true standalone.
   */
  default boolean joined() {
    return members().contains(self());
  }

  /** Called (on some Vert.x context) whenever the set of live broker members changes, with the new set. */
  void onChange(Handler<Set<String>> handler);

  /** Stops listening (called on close). */
  Future<Void> close();

  /** The membership of a node that is not clustered: itself, forever. */
  static Membership standalone(String self) {
    return new StandaloneMembership(self);
  }
}
