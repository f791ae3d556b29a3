package io.junctionmq.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.junctionmq.store.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The failover proof with real broker processes (issue 5): three nodes on one PostgreSQL,
 * clients in this JVM publishing with confirms and consuming with manual acks over HTTP on
 * queues owned by every node, while an owner is killed with {@code kill -9}, frozen past its
 * lease with {@code kill -STOP}, or every node is restarted in turn with SIGTERM. Each test
 * checks the ledger of what the clients saw: every confirmed message received, duplicates
 * only flagged redelivered and never after a confirmed ack. The three tests share one
 * cluster (forming it costs more than any of them); each leaves all three nodes running.
 * Figures are printed as {@code [failover] ...}; docs/benchmarks.md quotes them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcessFailoverClusterIT {
  private static final String TEST = "ProcessFailoverClusterIT";
  /** Bounds a wait for something that must happen in a healthy cluster, with room for a loaded machine. */
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration LEASE_TTL = Duration.ofSeconds(10);
  /** Asserted on every failover; the target is 2 s, printed next to each figure. */
  private static final Duration FAILOVER_BOUND = Duration.ofSeconds(10);
  /** Kill rounds: 3 in the suite; bench/chaos.sh runs 100 ({@code -Djunction.chaos.kills=N}). */
  private static final int KILL_ROUNDS = Integer.getInteger("junction.chaos.kills", 3);
  private static final int PREFETCH = 20;
  private static final int WINDOW = 4;

  private static List<NodeProcess> nodes;

  @BeforeAll
  static void startCluster() {
    long t0 = System.nanoTime();
    nodes = NodeProcess.cluster(TEST, 3, TestPostgres.newDatabase(), Map.of(
        "JUNCTION_LEASE_TTL", LEASE_TTL.toSeconds() + "s", "JUNCTION_LEASE_RENEW_INTERVAL", "3s"));
    try {
      nodes.forEach(NodeProcess::awaitReady);
    } catch (RuntimeException e) {
      NodeProcess.closeAll(nodes);
      throw e;
    }
    System.out.printf("[failover] 3 broker processes formed a cluster in %d ms; test time %d ms is %s%n",
        millisSince(t0), Ledger.ms(System.nanoTime()), java.time.LocalTime.now());
  }

  @AfterAll
  static void stopCluster() {
    NodeProcess.closeAll(nodes);
  }

  /** A test that failed half-way may have left a node down: each test starts with all three. */
  @BeforeEach
  void everyNodeRuns() {
    for (NodeProcess n : nodes) {
      if (!n.isAlive()) {
        n.restart();
      }
    }
    nodes.forEach(NodeProcess::awaitReady);
  }

  @Test
  @Order(1)
  void killNineOfABusyOwnerLosesNoConfirmedMessageAndRedeliversOnlyUnackedOnes() {
    var ledger = new Ledger();
    var figures = new ArrayList<Long>();
    var queues = new ArrayList<String>();
    try {
      killRounds(ledger, figures, queues);
    } finally {
      System.out.println(chaosLine(ledger, figures, queues));
    }
    long max = figures.stream().mapToLong(Long::longValue).max().orElseThrow();
    System.out.printf("[failover] kill -9: kill -> first delivery from the new owner %s ms, max %d ms%n", figures, max);
    assertTrue(max <= FAILOVER_BOUND.toMillis(), "failover took " + figures + " ms");
  }

  private void killRounds(Ledger ledger, List<Long> figures, List<String> queues) {
    for (int round = 0; round < KILL_ROUNDS; round++) {
      int v = round % nodes.size();
      NodeProcess victim = nodes.get(v);
      List<NodeProcess> survivors = others(v);
      Map<String, String> owners = declareUntilEveryNodeOwnsOne("kill" + round, survivors.get(0));
      queues.addAll(owners.keySet());
      String busy = ownedBy(owners, victim);
      System.out.printf("[failover] kill round %d: owners %s; victim %s owns %s%n", round, owners, victim.nodeId(), busy);

      try (var load = new HttpLoad(ledger)) {
        startLoad(load, owners.keySet(), survivors);
        awaitFlowing(load, ledger, owners.keySet(), 100);
        long generation = ledger.generation(busy);
        long killed = System.nanoTime();
        victim.kill9();
        long takeover = awaitNewOwner(busy, survivors, victim, killed);
        long failover = awaitFailover(ledger, busy, killed, generation);
        figures.add(failover);
        System.out.printf("[failover] kill round %d: kill -9 %s -> %s owned by %s after %d ms, first delivery from it"
            + " after %d ms (target 2000 ms)%n", round, victim.nodeId(), busy, NodesApi.owner(survivors.get(0).httpUrl(),
            busy).orElse("?"), takeover, failover);
        // The victim starts again while the new owner takes publishes and acks for a while.
        victim.restart();
        int before = ledger.confirmedCount(busy);
        await("publishes confirmed by the new owner of " + busy).atMost(WAIT)
            .until(() -> ledger.confirmedCount(busy) >= before + 100);
        drainAndCheck(load, ledger, owners.keySet());
      } finally {
        delete(owners.keySet(), survivors.get(0));
      }
      nodes.forEach(NodeProcess::awaitReady);
    }
  }

  /**
   * The figures of the kill rounds run so far, as bench/chaos.sh prints them: confirmed
   * publishes, confirmed messages never received, messages delivered more than once (and of
   * them, those that broke the rules), and the failover times.
   */
  private static String chaosLine(Ledger ledger, List<Long> figures, List<String> queues) {
    long confirmed = queues.stream().mapToLong(ledger::confirmedCount).sum();
    long lost = queues.stream().mapToLong(q -> ledger.missing(q).size()).sum();
    long duplicates = queues.stream().mapToLong(q -> ledger.duplicates(q).size()).sum();
    long violations = queues.stream().mapToLong(q -> ledger.violations(q).size()).sum();
    List<Long> sorted = figures.stream().sorted().toList();
    return String.format("CHAOS kills=%d confirmed=%d lost=%d duplicates=%d unflagged-or-after-ack=%d"
        + " failover-ms p50=%d p99=%d max=%d", figures.size(), confirmed, lost, duplicates, violations,
        percentile(sorted, 50), percentile(sorted, 99), sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1));
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.isEmpty() ? 0 : sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  @Test
  @Order(2)
  void anOwnerFrozenPastItsLeaseIsFencedAndStopsServingItsQueue() {
    var ledger = new Ledger();
    NodeProcess zombie = nodes.get(1);
    List<NodeProcess> survivors = others(1);
    Map<String, String> owners = declareUntilEveryNodeOwnsOne("zombie", survivors.get(0));
    String busy = ownedBy(owners, zombie);
    System.out.printf("[failover] zombie: owners %s; %s owns %s%n", owners, zombie.nodeId(), busy);
    long logFrom = logSize(zombie);

    try (var load = new HttpLoad(ledger)) {
      startLoad(load, owners.keySet(), survivors);
      // Clients of the zombie itself: their requests wait while it is frozen and reach it when it runs again.
      List<NodeProcess> zombieFirst = List.of(zombie, survivors.get(0), survivors.get(1));
      load.publisher(busy, WINDOW, zombieFirst);
      load.consumer(busy, PREFETCH, zombieFirst);
      awaitFlowing(load, ledger, owners.keySet(), 100);

      long generation = ledger.generation(busy);
      long paused = System.nanoTime();
      zombie.pause();
      long failover;
      long takeover;
      try {
        takeover = awaitNewOwner(busy, survivors, zombie, paused);
        failover = awaitFailover(ledger, busy, paused, generation);
        await("the zombie frozen for longer than its lease").atMost(LEASE_TTL.plus(WAIT))
            .until(() -> System.nanoTime() - paused > LEASE_TTL.plusSeconds(1).toNanos());
      } finally {
        zombie.resume();
      }
      long resumed = System.nanoTime();
      System.out.printf("[failover] zombie: kill -STOP %s -> %s owned by another node after %d ms, first delivery"
          + " from it after %d ms; resumed after %d ms%n", zombie.nodeId(), busy, takeover, failover,
          (resumed - paused) / 1_000_000);

      String successor = NodesApi.owner(survivors.get(0).httpUrl(), busy).orElseThrow();
      await("the zombie knows " + successor + " owns " + busy).atMost(WAIT)
          .until(() -> NodesApi.owner(zombie.httpUrl(), busy).filter(successor::equals).isPresent());
      String log = logSince(zombie, logFrom);
      assertTrue(log.contains("queue " + busy + " in vhost /: ") && log.contains("this node stops serving it"),
          "the zombie says it stopped serving " + busy + "; log: " + zombie.log());
      System.out.printf("[failover] zombie: %s stopped serving %s %d ms after it was resumed; a write refused by"
          + " the epoch check in its log: %b%n", zombie.nodeId(), busy, (System.nanoTime() - resumed) / 1_000_000,
          log.contains("owned under a newer lease epoch"));
      nodes.forEach(NodeProcess::awaitReady);

      int before = ledger.confirmedCount(busy);
      await("publishes after the zombie came back").atMost(WAIT).until(() -> ledger.confirmedCount(busy) >= before + 100);
      drainAndCheck(load, ledger, owners.keySet());
    } finally {
      delete(owners.keySet(), survivors.get(0));
    }
  }

  @Test
  @Order(3)
  void aRollingRestartUnderLoadLosesNothingAndRedeliversNothingAcked() {
    var ledger = new Ledger();
    Map<String, String> owners = declareUntilEveryNodeOwnsOne("rolling", nodes.get(0));
    System.out.printf("[failover] rolling restart: owners %s%n", owners);
    try (var load = new HttpLoad(ledger)) {
      int i = 0;
      for (String queue : owners.keySet()) {
        // Every client starts on some node and moves on when that node stops.
        load.publisher(queue, WINDOW, rotated(i));
        load.consumer(queue, PREFETCH, rotated(i + 1));
        load.consumer(queue, PREFETCH, rotated(i + 2));
        i++;
      }
      awaitFlowing(load, ledger, owners.keySet(), 100);
      for (int k = 0; k < nodes.size(); k++) {
        NodeProcess node = nodes.get(k);
        long stopping = System.nanoTime();
        assertEquals(143, node.terminate(), "SIGTERM ends " + node.nodeId() + " through its shutdown hook");
        long stopped = millisSince(stopping);
        Set<String> rest = new TreeSet<>();
        others(k).forEach(n -> rest.add(n.nodeId()));
        others(k).forEach(n -> n.awaitMembers(rest));
        node.restart();
        nodes.forEach(NodeProcess::awaitReady);
        System.out.printf("[failover] rolling restart: %s stopped in %d ms, back in the cluster %d ms after SIGTERM%n",
            node.nodeId(), stopped, millisSince(stopping));
        awaitFlowing(load, ledger, owners.keySet(), 50);
      }
      drainAndCheck(load, ledger, owners.keySet());
    } finally {
      delete(owners.keySet(), nodes.get(0));
    }
  }

  // ---- helpers ----

  /** Deletes the queues of a test, so that the next one's are spread over the nodes again. */
  private static void delete(Set<String> queues, NodeProcess via) {
    for (String queue : queues) {
      NodesApi.delete(via.httpUrl(), "/api/queues/%2F/" + queue);
    }
  }

  /** Declares durable queues {@code <prefix>-0}, … on {@code via} until each node owns one (at most 6); their owners. */
  private static Map<String, String> declareUntilEveryNodeOwnsOne(String prefix, NodeProcess via) {
    Map<String, String> owners = new LinkedHashMap<>();
    for (int i = 0; i < 6 && new HashSet<>(owners.values()).size() < nodes.size(); i++) {
      String queue = prefix + "-" + i;
      var created = NodesApi.put(via.httpUrl(), "/api/queues/%2F/" + queue,
          new JsonObject().put("durable", true).put("auto_delete", false));
      assertTrue(created.filter(r -> r.status() == 201).isPresent(), "declare " + queue + ": " + created);
      owners.put(queue, await("the owner of " + queue).atMost(WAIT)
          .until(() -> NodesApi.owner(via.httpUrl(), queue), Optional::isPresent).orElseThrow());
    }
    assertEquals(nodes.size(), new HashSet<>(owners.values()).size(), "queues spread over every node: " + owners);
    return owners;
  }

  private static String ownedBy(Map<String, String> owners, NodeProcess node) {
    return owners.entrySet().stream().filter(e -> e.getValue().equals(node.nodeId())).map(Map.Entry::getKey)
        .findFirst().orElseThrow();
  }

  /** For each queue: a publisher and a consumer on each of {@code clientNodes}, each moving on to the other if its node fails. */
  private static void startLoad(HttpLoad load, Set<String> queues, List<NodeProcess> clientNodes) {
    int i = 0;
    for (String queue : queues) {
      NodeProcess a = clientNodes.get(i % 2);
      NodeProcess b = clientNodes.get((i + 1) % 2);
      load.publisher(queue, WINDOW, List.of(a, b));
      load.consumer(queue, PREFETCH, List.of(a, b));
      load.consumer(queue, PREFETCH, List.of(b, a));
      i++;
    }
  }

  /** Waits until each queue had {@code more} deliveries more than now. */
  private static void awaitFlowing(HttpLoad load, Ledger ledger, Set<String> queues, int more) {
    Map<String, Integer> now = new LinkedHashMap<>();
    queues.forEach(q -> now.put(q, ledger.deliveryCount(q)));
    try {
      await("deliveries on " + queues).atMost(WAIT).pollInterval(Duration.ofMillis(20))
          .until(() -> now.entrySet().stream().allMatch(e -> ledger.deliveryCount(e.getKey()) >= e.getValue() + more));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      var state = new StringBuilder();
      for (String q : queues) {
        state.append("\n").append(ledger.summary(q)).append(" (").append(now.get(q)).append(" deliveries before);")
            .append(" consumers on ").append(load.consumerNodes(q));
        for (NodeProcess n : nodes) {
          state.append("\n  ").append(n.nodeId()).append(" says: ")
              .append(NodesApi.get(n.httpUrl(), "/api/queues/%2F/" + q).map(NodesApi.Response::body).orElse("-"));
        }
      }
      throw new AssertionError("no deliveries flowing:" + state, e);
    }
  }

  /**
   * Milliseconds from {@code since} to the first delivery of {@code queue} made by its new
   * owner: the consumer's node attached it there, so its tags have a higher generation.
   */
  private static long awaitFailover(Ledger ledger, String queue, long since, long generation) {
    var first = await("a delivery of " + queue + " from its new owner").atMost(WAIT).pollInterval(Duration.ofMillis(5))
        .until(() -> ledger.deliveriesAfter(queue, since).stream().filter(r -> r.generation() > generation).findFirst(),
            Optional::isPresent).orElseThrow();
    return (first.at - since) / 1_000_000;
  }

  /** Milliseconds from {@code since} until a survivor names another owner of {@code queue} than {@code gone}. */
  private static long awaitNewOwner(String queue, List<NodeProcess> survivors, NodeProcess gone, long since) {
    await("a new owner of " + queue).atMost(WAIT).pollInterval(Duration.ofMillis(20))
        .until(() -> NodesApi.owner(survivors.get(0).httpUrl(), queue)
            .filter(o -> !o.equals(gone.nodeId())).isPresent());
    return millisSince(since);
  }

  /**
   * Stops publishing (each publish in flight answered), waits until every confirmed message
   * was received, closes the consumers, and checks the books.
   */
  private static void drainAndCheck(HttpLoad load, Ledger ledger, Set<String> queues) {
    load.stopPublishing();
    try {
      await("every confirmed message received").atMost(WAIT).pollInterval(Duration.ofMillis(50))
          .until(() -> queues.stream().allMatch(q -> ledger.missing(q).isEmpty()));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      var state = new StringBuilder();
      for (String q : queues) {
        state.append("\n").append(ledger.summary(q));
        ledger.missing(q).forEach(id -> state.append("\n  ").append(id).append(" confirmed by ")
            .append(ledger.confirmation(id)));
        for (NodeProcess n : nodes) {
          state.append("\n  ").append(n.nodeId()).append(" says: ")
              .append(NodesApi.get(n.httpUrl(), "/api/queues/%2F/" + q).map(NodesApi.Response::body).orElse("-"));
        }
      }
      fail("confirmed messages never received:" + state);
    }
    load.stopConsuming();
    var violations = new ArrayList<String>();
    for (String q : queues) {
      System.out.println("[failover] " + ledger.summary(q));
      violations.addAll(ledger.violations(q));
    }
    assertTrue(violations.isEmpty(), violations.size() + " duplicates break the rules:\n" + String.join("\n", violations));
  }

  private static List<NodeProcess> others(int index) {
    var rest = new ArrayList<NodeProcess>();
    for (int i = 1; i < nodes.size(); i++) {
      rest.add(nodes.get((index + i) % nodes.size()));
    }
    return rest;
  }

  private static List<NodeProcess> rotated(int from) {
    var list = new ArrayList<NodeProcess>();
    for (int i = 0; i < nodes.size(); i++) {
      list.add(nodes.get((from + i) % nodes.size()));
    }
    return list;
  }

  private static long logSize(NodeProcess node) {
    try {
      return Files.size(node.log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String logSince(NodeProcess node, long offset) {
    try {
      byte[] all = Files.readAllBytes(node.log());
      return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
