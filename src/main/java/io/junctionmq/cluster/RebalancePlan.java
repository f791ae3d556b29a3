package io.junctionmq.cluster;

import io.junctionmq.model.QueueMove;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which queues a rebalance moves, as a pure function of the members and where each queue is
 * owned. Every queue counts towards its owner's load; only a movable one (durable, not
 * exclusive) moves. Each node's target is the total divided by the members, the remainder
 * going to the most loaded nodes (by name on a tie), so that the fewest queues move; each
 * node above its target gives its excess, in queue order, to the nodes below theirs, the
 * least loaded first. The same input gives the same plan on every node, in any order.
 */
public final class RebalancePlan {
  /** A queue, its owner, and whether a rebalance may move it. */
  public record Placed(String vhost, String queue, String owner, boolean movable) {
  }

  private static final Comparator<Placed> QUEUE_ORDER = Comparator.comparing(Placed::vhost)
      .thenComparing(Placed::queue);

  private RebalancePlan() {
  }

  /** The moves that bring every member within one queue of the others, as far as movable queues allow. */
  public static List<QueueMove> of(Set<String> members, List<Placed> queues) {
    List<String> nodes = members.stream().sorted().toList();
    if (nodes.size() < 2) {
      return List.of();
    }
    Map<String, List<Placed>> owned = new HashMap<>();
    nodes.forEach(n -> owned.put(n, new ArrayList<>()));
    for (Placed q : queues) {
      List<Placed> of = owned.get(q.owner());
      if (of != null) {
        of.add(q);
      }
    }
    Map<String, Integer> target = targets(nodes, owned);
    var needy = new ArrayList<String>(nodes.stream().filter(n -> owned.get(n).size() < target.get(n))
        .sorted(Comparator.<String>comparingInt(n -> owned.get(n).size()).thenComparing(n -> n)).toList());
    Map<String, Integer> receiving = new HashMap<>();
    var moves = new ArrayList<QueueMove>();
    for (String from : nodes) {
      int excess = owned.get(from).size() - target.get(from);
      List<Placed> movable = owned.get(from).stream().filter(Placed::movable).sorted(QUEUE_ORDER).toList();
      for (int i = 0; i < excess && i < movable.size() && !needy.isEmpty(); i++) {
        String to = needy.get(0);
        Placed q = movable.get(i);
        moves.add(new QueueMove(q.vhost(), q.queue(), from, to));
        int now = receiving.merge(to, 1, Integer::sum);
        if (owned.get(to).size() + now >= target.get(to)) {
          needy.remove(0);
        }
      }
    }
    return moves;
  }

  /** Each node's share: the total over the members, the remainder to the most loaded. */
  private static Map<String, Integer> targets(List<String> nodes, Map<String, List<Placed>> owned) {
    int total = owned.values().stream().mapToInt(List::size).sum();
    int base = total / nodes.size();
    int remainder = total % nodes.size();
    List<String> byLoad = nodes.stream()
        .sorted(Comparator.<String>comparingInt(n -> owned.get(n).size()).reversed().thenComparing(n -> n)).toList();
    Map<String, Integer> target = new HashMap<>();
    for (int i = 0; i < byLoad.size(); i++) {
      target.put(byLoad.get(i), base + (i < remainder ? 1 : 0));
    }
    return target;
  }
}
