package io.junctionmq;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.store.PostgresServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The default mode survives a crash. A broker run the README way ({@code java -jar
 * target/junction.jar}, its embedded PostgreSQL in {@code ./data}) publishes persistent
 * messages over HTTP; it dies in each way its two processes can die, and the same command on
 * the same directory brings it back with every message it confirmed; a message that comes twice
 * is flagged redelivered. A clean stop hands the queues over before PostgreSQL stops.
 */
class DefaultModeCrashIT {
  private static final String QUEUE = "crash";
  private static final int CONFIRMED_BEFORE_CRASH = 200;
  private static final Path ROOT = Path.of(System.getProperty("basedir", "."), "target", "default-mode-it")
      .toAbsolutePath();
  /** A data directory initialized once ({@code initdb} takes seconds), copied for each test. */
  private static Path template;

  @BeforeAll
  static void initializeTemplate() throws IOException {
    template = ROOT.resolve("template-" + ProcessHandle.current().pid());
    PostgresServer.start(template, 0, true).close();
  }

  @AfterAll
  static void deleteTemplate() throws IOException {
    for (Path p : List.of(template, template.resolveSibling(template.getFileName() + ".lock"),
        template.resolveSibling(template.getFileName() + ".log"))) {
      if (Files.exists(p)) {
        try (Stream<Path> paths = Files.walk(p)) {
          paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
  }

  @Test
  void brokerKilledWhileItsPostgresRunsOnRestartsWithEveryConfirmedMessage(TestInfo test) {
    try (var node = node(test)) {
      node.start().awaitReady();
      node.declareQueue(QUEUE);
      long postmaster = node.postmasterPid().orElseThrow();
      var publisher = Publisher.start(node);
      publisher.awaitConfirmed(CONFIRMED_BEFORE_CRASH);
      node.kill9WithWatchdog();
      publisher.stop();
      assertTrue(node.isPostmaster(postmaster), "the killed broker's PostgreSQL runs on, orphaned");

      node.start().awaitReady();
      assertFalse(node.isPostmaster(postmaster), "the orphan was stopped");
      assertTrue(node.logText().contains("event=\"postgres.orphan.stopped\" pid=\"" + postmaster + "\""),
          node.logText());
      assertNoConfirmedMessageLost(node, publisher.confirmed());
    }
  }

  @Test
  void brokerKilledAloneHasItsPostgresStoppedByItsWatchdog(TestInfo test) {
    try (var node = node(test)) {
      node.start().awaitReady();
      node.declareQueue(QUEUE);
      var publisher = Publisher.start(node);
      publisher.awaitConfirmed(CONFIRMED_BEFORE_CRASH);
      long postmaster = node.postmasterPid().orElseThrow();
      node.kill9();
      publisher.stop();
      await("the watchdog stops the postmaster").atMost(Duration.ofSeconds(20))
          .until(() -> !node.isPostmaster(postmaster));
      assertTrue(node.postmasterPid().isEmpty(), "a fast shutdown removes postmaster.pid");

      node.start().awaitReady();
      assertFalse(node.logText().contains("postgres.orphan.stopped"), node.logText());
      assertNoConfirmedMessageLost(node, publisher.confirmed());
    }
  }

  @Test
  void postmasterKilledUnderARunningBrokerIsRestartedAndTheBrokerRecoversByItself(TestInfo test) {
    try (var node = node(test)) {
      node.start().awaitReady();
      node.declareQueue(QUEUE);
      long broker = node.pid();
      var publisher = Publisher.start(node);
      publisher.awaitConfirmed(CONFIRMED_BEFORE_CRASH);
      long postmaster = node.postmasterPid().orElseThrow();
      node.kill9Postmaster(postmaster);

      String reason = await("/ready says why").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> storeReason(node.ready()), r -> r.contains("the embedded PostgreSQL (pid " + postmaster + ")"));
      assertTrue(reason.contains("restarting it"), reason);
      node.awaitReady();
      int confirmedBefore = publisher.confirmed().size();
      publisher.awaitConfirmed(confirmedBefore + CONFIRMED_BEFORE_CRASH);
      publisher.stop();
      assertEquals(broker, node.pid(), "the broker recovered without a restart");
      assertFalse(publisher.failures().isEmpty(), "no publish met the outage");
      publisher.failures().forEach(f -> assertEquals("503 store_unavailable", f));
      // Consumers go on too, acks included (their removals are writes): the first ten, gone for good.
      JsonArray first = node.get(QUEUE, 10, "ack_requeue_false");
      for (int i = 0; i < 10; i++) {
        assertEquals("m" + i, first.getJsonObject(i).getString("payload"));
      }

      // What was confirmed is in PostgreSQL, not only in the queue's memory: read it back after a restart.
      node.terminate();
      assertFalse(node.logText().contains("queue.release.failed"), node.logText());
      node.start().awaitReady();
      Set<String> unacked = new HashSet<>(publisher.confirmed());
      for (int i = 0; i < 10; i++) {
        unacked.remove("m" + i);
      }
      Map<String, List<Boolean>> received = assertNoConfirmedMessageLost(node, unacked);
      for (int i = 0; i < 10; i++) {
        assertFalse(received.containsKey("m" + i), "m" + i + " was acked after the outage, yet came again");
      }
      received.forEach((id, flags) -> assertEquals(List.of(false), flags, id + " was never delivered before"));
    }
  }

  @Test
  void brokerAndPostgresKilledTogetherRestartWithEveryConfirmedMessage(TestInfo test) {
    try (var node = node(test)) {
      node.start().awaitReady();
      node.declareQueue(QUEUE);
      var publisher = Publisher.start(node);
      publisher.awaitConfirmed(CONFIRMED_BEFORE_CRASH);
      node.powerCut();
      publisher.stop();
      long stale = node.postmasterPid().orElseThrow();
      assertFalse(node.isPostmaster(stale));

      node.start().awaitReady();
      assertTrue(node.logText().contains("event=\"postgres.stale-lock\" pid=\"" + stale + "\""), node.logText());
      assertNoConfirmedMessageLost(node, publisher.confirmed());
    }
  }

  @Test
  void aCleanStopReleasesTheQueuesBeforePostgresStopsAndKeepsTheRedeliveredFlagsExact(TestInfo test) {
    try (var node = node(test)) {
      node.start().awaitReady();
      node.declareQueue(QUEUE);
      for (int i = 0; i < 20; i++) {
        assertEquals(200, node.publish(QUEUE, "m" + i).status());
      }
      // m0 is delivered and returned: the only one a restart may flag redelivered.
      assertEquals("m0", node.get(QUEUE, 1, "ack_requeue_true").getJsonObject(0).getString("payload"));
      node.terminate();
      String log = node.logText();
      assertFalse(log.contains("queue.release.failed"), log);
      int released = log.indexOf("event=\"queue.released\"");
      int stopped = log.indexOf("event=\"postgres.stopped\"");
      assertTrue(released >= 0 && stopped > released, "the queue is released, then PostgreSQL stops: " + log);
      assertTrue(node.postmasterPid().isEmpty(), "PostgreSQL stopped cleanly");

      node.start().awaitReady();
      JsonArray messages = node.get(QUEUE, 100, "ack_requeue_false");
      assertEquals(20, messages.size());
      for (int i = 0; i < messages.size(); i++) {
        JsonObject m = messages.getJsonObject(i);
        assertEquals("m" + i, m.getString("payload"));
        assertEquals(i == 0, m.getBoolean("redelivered"), m.encode());
      }
    }
  }

  @Test
  void aSecondBrokerOnTheSameDataDirectoryIsRefusedAndTheFirstRunsOn(TestInfo test) {
    try (var node = node(test)) {
      node.start().awaitReady();
      long postmaster = node.postmasterPid().orElseThrow();

      // The same command in the same directory: the same ./data. It exits; closing it would stop the first's server.
      var second = DefaultModeNode.in(ROOT.resolve(test.getTestMethod().orElseThrow().getName()), "second");
      assertEquals(1, second.start().awaitExit());
      assertTrue(second.logText().contains("is in use by another process (pid " + node.pid() + ")"), second.logText());
      assertTrue(node.isPostmaster(postmaster), "the first broker's PostgreSQL runs on");
      assertEquals(200, node.ready().status());
      node.declareQueue(QUEUE);
      assertEquals(200, node.publish(QUEUE, "after").status());
    }
  }

  /** A node in a directory of its own, whose data directory starts as a copy of the template. */
  private static DefaultModeNode node(TestInfo test) {
    Path dir = ROOT.resolve(test.getTestMethod().orElseThrow().getName());
    var node = DefaultModeNode.in(dir);
    // What a run that died left behind: its postmaster stopped, its data deleted.
    node.close();
    copy(template, node.dataDirectory());
    return node;
  }

  /**
   * Drains the queue, acking: every confirmed message must come, and a message that comes more
   * than once must be flagged redelivered after the first time. Returns the redelivered flags by payload.
   */
  private static Map<String, List<Boolean>> assertNoConfirmedMessageLost(DefaultModeNode node, Set<String> confirmed) {
    JsonArray messages = node.get(QUEUE, 10_000, "ack_requeue_false");
    Map<String, List<Boolean>> received = new LinkedHashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonObject m = messages.getJsonObject(i);
      received.computeIfAbsent(m.getString("payload"), k -> new ArrayList<>()).add(m.getBoolean("redelivered"));
    }
    Set<String> lost = new HashSet<>(confirmed);
    lost.removeAll(received.keySet());
    assertTrue(lost.isEmpty(), lost.size() + " of " + confirmed.size() + " confirmed messages lost: " + lost);
    received.forEach((id, flags) -> assertTrue(flags.size() == 1 || !flags.subList(1, flags.size()).contains(false),
        id + " came again unflagged: " + flags));
    return received;
  }

  private static String storeReason(DefaultModeNode.Response ready) {
    if (ready.status() != 503) {
      return "";
    }
    JsonArray checks = ready.json().getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if (checks.getJsonObject(i).getString("id").equals("store")) {
        return checks.getJsonObject(i).getString("reason", "");
      }
    }
    return "";
  }

  /** Copies a data directory with its permissions (PostgreSQL refuses a data directory others may read). */
  private static void copy(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      Files.createDirectories(to.getParent());
      for (Path p : (Iterable<Path>) paths::iterator) {
        Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Publishes {@code m0}, {@code m1}, … to the queue, one at a time, on a thread of its own,
   * until stopped; keeps what was confirmed and how the others failed.
   */
  private static final class Publisher {
    private final DefaultModeNode node;
    private final Set<String> confirmed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean stopped;

    private Publisher(DefaultModeNode node) {
      this.node = node;
      this.thread = new Thread(this::run, "publisher");
    }

    static Publisher start(DefaultModeNode node) {
      var publisher = new Publisher(node);
      publisher.thread.start();
      return publisher;
    }

    private void run() {
      for (int i = 0; !stopped; i++) {
        DefaultModeNode.Response r = node.publish(QUEUE, "m" + i);
        if (r.status() == 200) {
          confirmed.add("m" + i);
        } else if (r.status() == 0) {
          // No answer: the node is gone.
          return;
        } else {
          failures.add(r.status() + " " + r.json().getString("error"));
        }
      }
    }

    void awaitConfirmed(int count) {
      await(count + " publishes confirmed (failed: " + failures.size() + ")").atMost(Duration.ofSeconds(60))
          .until(() -> confirmed.size() >= count || !thread.isAlive());
      assertTrue(confirmed.size() >= count, "the publisher stopped after " + confirmed.size() + " confirms");
    }

    /** Stops publishing and waits for the publish in flight. */
    void stop() {
      stopped = true;
      try {
        thread.join(Duration.ofSeconds(20).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      assertFalse(thread.isAlive(), "the publisher did not stop");
    }

    Set<String> confirmed() {
      return Set.copyOf(confirmed);
    }

    List<String> failures() {
      return List.copyOf(failures);
    }
  }
}
