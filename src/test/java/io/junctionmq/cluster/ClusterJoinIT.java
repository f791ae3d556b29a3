package io.junctionmq.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Nodes find each other, and see a member die and come back, in this JVM. */
class ClusterJoinIT {

  @Test
  void threeNodesFormAClusterSeeOneCrashAndSeeItComeBack() {
    long t0 = System.nanoTime();
    try (var cluster = TestCluster.start(3)) {
      System.out.printf("[cluster] 3 in-JVM nodes formed a cluster in %d ms%n", millisSince(t0));
      Set<String> all = Set.of("n0", "n1", "n2");
      for (int i = 0; i < 3; i++) {
        assertEquals(all, cluster.node(i).membership().members());
        assertEquals("n" + i, cluster.node(i).membership().self());
        assertEquals(Optional.of(all), NodesApi.names(cluster.httpUrl(i)));
      }
      List<Set<String>> seenByNode0 = new CopyOnWriteArrayList<>();
      cluster.vertx(0).runOnContext(v -> cluster.node(0).membership().onChange(seenByNode0::add));

      long killed = System.nanoTime();
      cluster.kill(1);
      cluster.awaitMembers(2);
      long detected = millisSince(killed);
      System.out.printf("[cluster] in-JVM kill noticed by both survivors in %d ms%n", detected);
      assertTrue(detected < 5_000, "a crash is noticed within seconds, took " + detected + " ms");
      assertEquals(Optional.of(Set.of("n0", "n2")), NodesApi.names(cluster.httpUrl(2)));
      await().atMost(Duration.ofSeconds(5)).until(() -> seenByNode0.contains(Set.of("n0", "n2")));

      long restarted = System.nanoTime();
      cluster.restart(1);
      cluster.awaitMembers(3);
      System.out.printf("[cluster] in-JVM restart rejoined in %d ms%n", millisSince(restarted));
      for (int i = 0; i < 3; i++) {
        assertEquals(Optional.of(all), NodesApi.names(cluster.httpUrl(i)));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> seenByNode0.contains(all));
      assertEquals(new ArrayList<>(List.of(Set.of("n0", "n2"), all)), new ArrayList<>(seenByNode0),
          "node 0 was told of each change once, in order");
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
