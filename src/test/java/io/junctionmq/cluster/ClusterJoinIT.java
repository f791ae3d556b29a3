package io.junctionmq.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Queue;
import io.junctionmq.store.TestPostgres;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Nodes find each other and see members die, freeze and come back: in this JVM (Hazelcast
 * members on loopback), and as separate broker processes killed with real signals. Each test
 * prints what it measured ({@code [cluster] ...}); docs/cluster.md quotes those figures.
 */
class ClusterJoinIT {

  @Test
  void threeNodesFormAClusterSeeOneCrashAndSeeItComeBack() throws Exception {
    long t0 = System.nanoTime();
    try (var cluster = TestCluster.start(3)) {
      System.out.printf("[cluster] 3 in-JVM nodes formed a cluster in %d ms%n", millisSince(t0));
      Set<String> all = Set.of("n0", "n1", "n2");
      for (int i = 0; i < 3; i++) {
        assertEquals(all, cluster.node(i).membership().members());
        assertEquals("n" + i, cluster.node(i).membership().self());
        assertEquals(Optional.of(all), NodesApi.names(cluster.httpUrl(i)));
        try (var bus = new Socket("127.0.0.1", cluster.busPort(i))) {
          assertTrue(bus.isConnected(), "the event bus listens on cluster.bus-port");
        }
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

      long stopping = System.nanoTime();
      cluster.stop(2);
      cluster.awaitMembers(2);
      System.out.printf("[cluster] in-JVM graceful stop: the others dropped the node in %d ms%n", millisSince(stopping));

      cluster.node(0).broker().declareQueue(Queue.durable("/", "joined")).await();
      assertTrue(Set.of("n0", "n1").contains(cluster.awaitOwner("/", "joined")), "a running node owns the queue");
    }
  }

  @Test
  void brokerProcessesSeeAKillNineAndAFrozenMemberAndTheFrozenOneMergesBackWhenResumed() {
    long t0 = System.nanoTime();
    List<NodeProcess> nodes = NodeProcess.cluster("ClusterJoinIT", 3, TestPostgres.newDatabase(), Map.of());
    try {
      nodes.forEach(NodeProcess::awaitReady);
      System.out.printf("[cluster] 3 broker processes started and formed a cluster in %d ms%n", millisSince(t0));
      NodeProcess n0 = nodes.get(0);
      NodeProcess n1 = nodes.get(1);
      NodeProcess n2 = nodes.get(2);
      Set<String> all = Set.of("n0", "n1", "n2");
      Set<String> survivors = Set.of("n0", "n1");

      // A frozen process keeps its sockets open: only the missing heartbeats give it away.
      n2.pause();
      long paused = System.nanoTime();
      n0.awaitMembers(survivors);
      n1.awaitMembers(survivors);
      long suspected = millisSince(paused);
      System.out.printf("[cluster] kill -STOP noticed by both survivors in %d ms%n", suspected);
      assertTrue(suspected >= 3_000 && suspected < 10_000,
          "a frozen member is dropped after the 5 s without heartbeats, took " + suspected + " ms");

      // Resumed, it finds itself alone, and Hazelcast merges it back (with a new member UUID;
      // Membership registers it again): no restart needed.
      n2.resume();
      long resumed = System.nanoTime();
      nodes.forEach(n -> n.awaitMembers(all));
      long merged = millisSince(resumed);
      System.out.printf("[cluster] kill -CONT: the frozen member merged back, seen by all in %d ms%n", merged);
      assertTrue(merged < 20_000, "merged back in " + merged + " ms");

      n2.kill9();
      long killed = System.nanoTime();
      n0.awaitMembers(survivors);
      n1.awaitMembers(survivors);
      long noticed = millisSince(killed);
      System.out.printf("[cluster] kill -9 noticed by both survivors in %d ms%n", noticed);
      assertTrue(noticed < 3_000, "a dead process is noticed at once (its connections close), took " + noticed + " ms");

      long restarting = System.nanoTime();
      n2.restart();
      nodes.forEach(NodeProcess::awaitReady);
      System.out.printf("[cluster] the killed process restarted and rejoined in %d ms%n", millisSince(restarting));

      long terminating = System.nanoTime();
      assertEquals(143, n1.terminate(), "SIGTERM ends the JVM through its shutdown hook");
      n0.awaitMembers(Set.of("n0", "n2"));
      n2.awaitMembers(Set.of("n0", "n2"));
      System.out.printf("[cluster] SIGTERM: the node stopped and the others dropped it in %d ms%n",
          millisSince(terminating));
    } finally {
      NodeProcess.closeAll(nodes);
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
