package io.junctionmq.cluster;

import static org.awaitility.Awaitility.await;

import io.junctionmq.Junction;
import io.junctionmq.TestJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A Junction broker node in a JVM of its own ({@code java -cp target/junction.jar
 * io.junctionmq.Junction}, 256 MiB of heap), for the tests that need a real process to
 * {@code kill -9}, freeze with {@code SIGSTOP} or stop with {@code SIGTERM}. It runs under
 * {@code setsid}, in a session of its own, so that no shell's job control resumes a stopped
 * node; its output goes to {@code target/cluster-logs/<test>/<node>.log}.
 *
 * <pre>{@code
 * List<NodeProcess> nodes = NodeProcess.cluster("MyClusterIT", 3, TestPostgres.newDatabase(), Map.of());
 * try {
 *   nodes.forEach(NodeProcess::awaitReady);
 *   nodes.get(2).kill9();
 *   nodes.get(0).awaitMembers(Set.of("n0", "n1"));
 * } finally {
 *   NodeProcess.closeAll(nodes);
 * }
 * }</pre>
 *
 * No JVM is ever left behind: {@link #close()} kills what is still running, and a shutdown
 * hook of the test JVM kills whatever a failed test did not close.
 */
public final class NodeProcess implements AutoCloseable {
  /** Bound on starting (JVM, Hazelcast join, migrations) and on every other wait. */
  public static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  private static final Set<NodeProcess> running = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger clusters = new AtomicInteger();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(NodeProcess::killNow), "node-process-reaper"));
  }

  private final String nodeId;
  private final Map<String, String> env;
  private final Set<String> cluster;
  private final Path dir;
  private final Path log;
  private volatile Process process;

  private NodeProcess(String nodeId, Map<String, String> env, Set<String> cluster, Path dir) {
    this.nodeId = nodeId;
    this.env = Map.copyOf(env);
    this.cluster = Set.copyOf(cluster);
    this.dir = dir;
    this.log = dir.resolve(nodeId + ".log");
  }

  /**
   * Starts {@code n} nodes ({@code n0}, {@code n1}, …) of one new cluster on loopback: a
   * cluster name no other test uses, free HTTP, STOMP and Hazelcast ports, and the database
   * {@code pgUri}. {@code env} adds or overrides environment variables (e.g.
   * {@code JUNCTION_LEASE_TTL}). Returns at once; call {@link #awaitReady()} on each.
   */
  public static List<NodeProcess> cluster(String test, int n, String pgUri, Map<String, String> env) {
    String name = "proc-" + ProcessHandle.current().pid() + "-" + clusters.incrementAndGet();
    Path dir = Path.of(System.getProperty("basedir", "."), "target", "cluster-logs", test).toAbsolutePath();
    List<Integer> hazelcastPorts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hazelcastPorts.add(FreePorts.next());
    }
    String members = hazelcastPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    Set<String> ids = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      ids.add("n" + i);
    }
    var nodes = new ArrayList<NodeProcess>();
    try {
      Files.createDirectories(dir);
      for (int i = 0; i < n; i++) {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("JUNCTION_NODE_ID", "n" + i);
        vars.put("JUNCTION_CLUSTER", "true");
        vars.put("JUNCTION_CLUSTER_NAME", name);
        vars.put("JUNCTION_CLUSTER_MEMBERS", members);
        vars.put("JUNCTION_CLUSTER_PORT", String.valueOf(hazelcastPorts.get(i)));
        vars.put("JUNCTION_PG_URI", pgUri);
        vars.put("JUNCTION_HTTP_HOST", "127.0.0.1");
        vars.put("JUNCTION_HTTP_PORT", String.valueOf(FreePorts.next()));
        vars.put("JUNCTION_STOMP_HOST", "127.0.0.1");
        vars.put("JUNCTION_STOMP_PORT", String.valueOf(FreePorts.next()));
        vars.putAll(env);
        var node = new NodeProcess("n" + i, vars, ids, dir);
        nodes.add(node);
        node.launch();
      }
      return nodes;
    } catch (IOException | RuntimeException e) {
      closeAll(nodes);
      throw new IllegalStateException("cannot start the nodes of " + test, e);
    }
  }

  /** Kills every node of {@code nodes} that still runs. */
  public static void closeAll(List<NodeProcess> nodes) {
    nodes.forEach(NodeProcess::close);
  }

  public String nodeId() {
    return nodeId;
  }

  public long pid() {
    return requireProcess().pid();
  }

  public String httpUrl() {
    return "http://127.0.0.1:" + env.get("JUNCTION_HTTP_PORT");
  }

  public int stompPort() {
    return Integer.parseInt(env.get("JUNCTION_STOMP_PORT"));
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** What {@code GET /api/nodes} lists now; empty if the node does not answer (down, starting, paused). */
  public Optional<Set<String>> members() {
    return NodesApi.names(httpUrl());
  }

  /** Waits until the node answers HTTP and its {@code /api/nodes} lists every node of its cluster. */
  public NodeProcess awaitReady() {
    return awaitMembers(cluster);
  }

  /** Waits until the node's {@code /api/nodes} lists exactly {@code expected}; fails early if the process dies. */
  public NodeProcess awaitMembers(Set<String> expected) {
    await(nodeId + " lists " + expected + " (log: " + log + ")").atMost(TIMEOUT).pollInterval(Duration.ofMillis(50))
        .until(() -> {
          if (!isAlive()) {
            throw new IllegalStateException(nodeId + " exited with " + process.exitValue() + "; log: " + log);
          }
          return members().filter(expected::equals).isPresent();
        });
    return this;
  }

  /** {@code kill -9}: no shutdown hook runs, Hazelcast hears no goodbye; waits until the process is gone. */
  public void kill9() {
    Process p = requireProcess();
    p.destroyForcibly();
    waitFor(p, "kill -9");
  }

  /** {@code kill -STOP}: the process freezes, its sockets stay open, it answers nothing. */
  public void pause() {
    signal("STOP");
  }

  /** {@code kill -CONT}: a paused process runs on. */
  public void resume() {
    signal("CONT");
  }

  /** {@code kill -TERM}: the node shuts down gracefully (its shutdown hook closes it); waits until it exits. */
  public int terminate() {
    Process p = requireProcess();
    p.destroy();
    return waitFor(p, "SIGTERM");
  }

  /** Starts the node again, with the same node id, ports and cluster, after it exited. */
  public NodeProcess restart() {
    if (isAlive()) {
      throw new IllegalStateException(nodeId + " is still running");
    }
    launch();
    return this;
  }

  /** Kills the process if it still runs (also when paused). */
  @Override
  public void close() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      waitFor(p, "close");
    }
    running.remove(this);
  }

  private void launch() {
    List<String> command = new ArrayList<>();
    command.add("setsid");
    command.addAll(TestJvm.command(JVM_OPTIONS, false, Junction.class.getName(), List.of()));
    var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> environment = builder.environment();
    // Only the variables of this node: the loader rejects unknown JUNCTION_* names.
    new HashMap<>(environment).keySet().stream().filter(k -> k.startsWith("JUNCTION_")).forEach(environment::remove);
    environment.putAll(env);
    try {
      Files.writeString(log, "---- " + Instant.now() + " starting " + nodeId + " " + env + "\n",
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      Process p = builder.start();
      process = p;
      running.add(this);
      requireJava(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + nodeId, e);
    }
  }

  /**
   * setsid runs the program in its own process when it is not a process group leader, which a
   * child of the JVM never is; if it ever forked, signals to {@link #pid()} would miss the
   * broker, so make sure.
   */
  private static void requireJava(Process p) {
    try {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
          .until(() -> !p.isAlive() || p.info().command().filter(c -> c.endsWith("java")).isPresent());
      if (p.isAlive()) {
        return;
      }
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // Falls through: the process is not java after 10 s.
    }
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    throw new IllegalStateException("setsid did not run java in its own process (alive: " + p.isAlive()
        + ", command: " + p.info().command() + ")");
  }

  private void signal(String signal) {
    long pid = pid();
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed: "
            + new String(kill.getInputStream().readAllBytes()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private int waitFor(Process p, String what) {
    try {
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(nodeId + " did not exit after " + what + "; killed it; log: " + log);
      }
      running.remove(this);
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted waiting for " + nodeId, e);
    }
  }

  private Process requireProcess() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException(nodeId + " is not running");
    }
    return p;
  }

  private void killNow() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return nodeId + (isAlive() ? " (pid " + process.pid() + ")" : " (not running)");
  }
}
