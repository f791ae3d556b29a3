package io.junctionmq.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Where queues go: a new queue to the least loaded node, a stopping node's queues to the others in turn. */
public final class Placement {
  private final Membership membership;
  private final QueueDirectory directory;
  private final boolean clustered;

  public Placement(Membership membership, QueueDirectory directory, boolean clustered) {
    this.membership = membership;
    this.directory = directory;
    this.clustered = clustered;
  }

  /** The live member that owns the fewest queues (this node on a tie): where a new queue goes. */
  public String newQueue() {
    Set<String> members = membership.members();
    Map<String, Integer> owned = new HashMap<>();
    members.forEach(m -> owned.put(m, 0));
    for (QueueEntry q : directory.queues()) {
      owned.computeIfPresent(q.owner() == null ? "" : q.owner(), (m, n) -> n + 1);
    }
    String best = membership.self();
    int least = owned.getOrDefault(best, 0);
    for (String m : members.stream().sorted().toList()) {
      if (owned.get(m) < least) {
        best = m;
        least = owned.get(m);
      }
    }
    return best;
  }

  /**
   * Where each queue this node owns goes when it stops: the other live members in turn;
   * none (the queue just stops) for a non-durable or exclusive queue, or standalone.
   */
  public Map<Long, String> successors() {
    List<String> others = membership.members().stream().filter(m -> !m.equals(membership.self())).sorted()
        .toList();
    Map<Long, String> successors = new HashMap<>();
    int next = 0;
    for (QueueEntry q : directory.ownedHere()) {
      if (!others.isEmpty() && clustered && q.queue().durable() && !q.queue().exclusive()) {
        successors.put(q.id(), others.get(next++ % others.size()));
      }
    }
    return successors;
  }
}
