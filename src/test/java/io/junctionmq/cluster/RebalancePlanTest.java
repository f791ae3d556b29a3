package io.junctionmq.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.QueueMove;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RebalancePlanTest {

  @Test
  void thirtyQueuesOnTwoOfThreeNodesSpreadTenTenTenMovingTen() {
    var queues = new ArrayList<RebalancePlan.Placed>();
    queues.addAll(durable("a", 15));
    queues.addAll(durable("b", 15));
    List<QueueMove> moves = RebalancePlan.of(Set.of("a", "b", "c"), queues);
    assertEquals(10, moves.size());
    assertEquals(Map.of("a", 10, "b", 10, "c", 10), loadsAfter(queues, moves, Set.of("a", "b", "c")));
    assertTrue(moves.stream().allMatch(m -> m.to().equals("c")));
  }

  @Test
  void everyNodeEndsWithinOneQueueOfTheOthersMovingOnlyTheExcess() {
    var random = new Random(7);
    for (int round = 0; round < 200; round++) {
      Set<String> members = Set.of("a", "b", "c", "d", "e").stream().limit(2 + random.nextInt(4))
          .collect(java.util.stream.Collectors.toSet());
      var queues = new ArrayList<RebalancePlan.Placed>();
      for (String m : members) {
        queues.addAll(durable(m, random.nextInt(20)));
      }
      List<QueueMove> moves = RebalancePlan.of(members, queues);
      var after = loadsAfter(queues, moves, members);
      int max = Collections.max(after.values());
      int min = Collections.min(after.values());
      assertTrue(max - min <= 1, "within one: " + after);
      assertEquals(fewestMoves(queues, members), moves.size(), "only the excess moves");
    }
  }

  @Test
  void aBalancedClusterMovesNothing() {
    var queues = new ArrayList<RebalancePlan.Placed>();
    queues.addAll(durable("a", 4));
    queues.addAll(durable("b", 3));
    queues.addAll(durable("c", 4));
    assertEquals(List.of(), RebalancePlan.of(Set.of("a", "b", "c"), queues));
  }

  @Test
  void exclusiveAndNonDurableQueuesStayButCountTowardsTheirNodesLoad() {
    var queues = new ArrayList<RebalancePlan.Placed>();
    for (int i = 0; i < 4; i++) {
      queues.add(new RebalancePlan.Placed("/", "fixed-" + i, "a", false));
    }
    queues.addAll(durable("a", 4));
    List<QueueMove> moves = RebalancePlan.of(Set.of("a", "b"), queues);
    assertEquals(4, moves.size());
    assertTrue(moves.stream().noneMatch(m -> m.queue().startsWith("fixed-")), "fixed queues stay: " + moves);
    assertEquals(Map.of("a", 4, "b", 4), loadsAfter(queues, moves, Set.of("a", "b")));
  }

  @Test
  void aNodeWhoseQueuesCannotMoveLeavesTheOthersAsTheyAre() {
    var queues = new ArrayList<RebalancePlan.Placed>();
    for (int i = 0; i < 6; i++) {
      queues.add(new RebalancePlan.Placed("/", "fixed-" + i, "a", false));
    }
    assertEquals(List.of(), RebalancePlan.of(Set.of("a", "b"), queues));
  }

  @Test
  void queuesOfNodesThatAreNotMembersAreLeftToTheTakeovers() {
    var queues = new ArrayList<RebalancePlan.Placed>();
    queues.addAll(durable("gone", 6));
    queues.addAll(durable("a", 2));
    assertEquals(List.of(new QueueMove("/", "a-0", "a", "b")), RebalancePlan.of(Set.of("a", "b"), queues));
  }

  @Test
  void theSamePlaceInAnyOrderGivesTheSamePlan() {
    var queues = new ArrayList<RebalancePlan.Placed>();
    queues.addAll(durable("a", 9));
    queues.addAll(durable("b", 7));
    queues.addAll(durable("c", 1));
    List<QueueMove> first = RebalancePlan.of(Set.of("a", "b", "c", "d"), queues);
    for (long seed = 0; seed < 20; seed++) {
      var shuffled = new ArrayList<>(queues);
      Collections.shuffle(shuffled, new Random(seed));
      assertEquals(first, RebalancePlan.of(new java.util.HashSet<>(List.of("d", "c", "b", "a")), shuffled));
    }
    // 17 queues on 4 nodes: the remainder goes to the most loaded, so a and b keep 5, c and d get 4.
    assertEquals(Map.of("a", 5, "b", 4, "c", 4, "d", 4), loadsAfter(queues, first, Set.of("a", "b", "c", "d")));
  }

  @Test
  void aSingleNodeMovesNothing() {
    assertEquals(List.of(), RebalancePlan.of(Set.of("a"), durable("a", 5)));
  }

  private static List<RebalancePlan.Placed> durable(String owner, int count) {
    var queues = new ArrayList<RebalancePlan.Placed>();
    for (int i = 0; i < count; i++) {
      queues.add(new RebalancePlan.Placed("/", owner + "-" + i, owner, true));
    }
    return queues;
  }

  private static Map<String, Integer> loadsAfter(List<RebalancePlan.Placed> queues, List<QueueMove> moves,
                                                 Set<String> members) {
    Map<String, String> owner = new TreeMap<>();
    queues.forEach(q -> owner.put(q.queue(), q.owner()));
    for (QueueMove m : moves) {
      assertEquals(m.from(), owner.get(m.queue()), "a move starts where the queue is: " + m);
      owner.put(m.queue(), m.to());
    }
    Map<String, Integer> loads = new TreeMap<>();
    members.forEach(m -> loads.put(m, 0));
    owner.values().forEach(o -> loads.computeIfPresent(o, (k, n) -> n + 1));
    return loads;
  }

  /** The queues above the share of each node, the remainder counted for the most loaded. */
  private static int fewestMoves(List<RebalancePlan.Placed> queues, Set<String> members) {
    var loads = new ArrayList<>(loadsAfter(queues, List.of(), members).values());
    loads.sort(Collections.reverseOrder());
    int total = loads.stream().mapToInt(Integer::intValue).sum();
    int moves = 0;
    for (int i = 0; i < loads.size(); i++) {
      int share = total / loads.size() + (i < total % loads.size() ? 1 : 0);
      moves += Math.max(0, loads.get(i) - share);
    }
    return moves;
  }
}
