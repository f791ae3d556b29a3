package io.junctionmq;

import static org.awaitility.Awaitility.await;

import io.junctionmq.cluster.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A broker run as the README runs it, in the default mode: {@code java -jar
 * target/junction.jar} with no PostgreSQL configured, in a directory of its own, so that its
 * embedded PostgreSQL keeps its data in {@code ./data/postgres} there. Only its HTTP and STOMP
 * ports are set (free ones, kept across restarts, so its node id stays the same). It runs
 * under {@code setsid}: the JVM leads a process group of its own, which holds its watchdog too,
 * while the postmaster lives in a session of its own ({@code pg_ctl} puts it there). Output
 * goes to {@code log()}.
 *
 * <pre>{@code
 * try (var node = DefaultModeNode.in(dir).start().awaitReady()) {
 *   node.declareQueue("orders");
 *   node.kill9();
 *   node.start().awaitReady();
 * }
 * }</pre>
 *
 * {@link #close()} leaves nothing running: not the JVM, not a postmaster on its data directory.
 */
final class DefaultModeNode implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  private static final Set<DefaultModeNode> running = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(DefaultModeNode::close),
        "default-mode-reaper"));
  }

  private final Path dir;
  private final String name;
  private final int httpPort = FreePorts.next();
  private final int stompPort = FreePorts.next();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private volatile Process process;

  private DefaultModeNode(Path dir, String name) {
    this.dir = dir;
    this.name = name;
  }

  /** A node that will run in {@code dir} (created if needed; an earlier run's log is removed): {@link #start()}. */
  static DefaultModeNode in(Path dir) {
    return in(dir, "junction");
  }

  /** Another node in {@code dir}, logging to {@code <name>.log} there. */
  static DefaultModeNode in(Path dir, String name) {
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(dir.resolve(name + ".log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new DefaultModeNode(dir, name);
  }

  /** The embedded PostgreSQL's data directory: {@code ./data/postgres}, {@code data.dir}'s default. */
  Path dataDirectory() {
    return dir.resolve("data").resolve("postgres");
  }

  Path log() {
    return dir.resolve(name + ".log");
  }

  String logText() {
    try {
      return Files.readString(log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Starts the JVM (again, after it exited); returns at once. */
  DefaultModeNode start() {
    if (isAlive()) {
      throw new IllegalStateException("the node still runs");
    }
    List<String> command = new ArrayList<>(List.of("setsid", Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()));
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-jar", TestJvm.jar().toString()));
    var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
    Map<String, String> env = builder.environment();
    new ArrayList<>(env.keySet()).stream().filter(k -> k.startsWith("JUNCTION_")).forEach(env::remove);
    env.putAll(Map.of("JUNCTION_HTTP_HOST", "127.0.0.1", "JUNCTION_HTTP_PORT", String.valueOf(httpPort),
        "JUNCTION_STOMP_HOST", "127.0.0.1", "JUNCTION_STOMP_PORT", String.valueOf(stompPort)));
    try {
      Files.writeString(log(), "---- " + Instant.now() + " starting\n", StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Process p = builder.start();
      process = p;
      running.add(this);
      // setsid runs java in its own process (a child of this JVM is never a group leader): signals reach it.
      await("setsid runs java").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
          .until(() -> !p.isAlive() || p.info().command().filter(c -> c.endsWith("java")).isPresent());
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code /ready} answers 200; fails early if the JVM exits. */
  DefaultModeNode awaitReady() {
    await("the node is ready (log: " + log() + ")").atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
      if (!isAlive()) {
        throw new IllegalStateException("the node exited with " + process.exitValue() + "; log: " + log());
      }
      return ready().status() == 200;
    });
    return this;
  }

  /** Waits until the JVM exits by itself (a start that fails); returns its exit code. */
  int awaitExit() {
    waitFor(process);
    running.remove(this);
    return process.exitValue();
  }

  /** {@code kill -9} of the JVM alone: its watchdog sees it die. */
  void kill9() {
    Process p = process;
    p.destroyForcibly();
    waitFor(p);
  }

  /**
   * {@code kill -9} of the JVM's process group: the JVM and its watchdog, as a signal to a
   * terminal's job would; the postmaster, in a session of its own, runs on, orphaned.
   */
  void kill9WithWatchdog() {
    Process p = process;
    signal("KILL", "-" + p.pid());
    waitFor(p);
  }

  /** {@code kill -TERM}: the node stops cleanly; waits until it has exited. */
  void terminate() {
    Process p = process;
    p.destroy();
    waitFor(p);
  }

  /** The PID that {@code data/postgres/postmaster.pid} names; empty when there is no such file. */
  Optional<Long> postmasterPid() {
    try {
      List<String> lines = Files.readAllLines(dataDirectory().resolve("postmaster.pid"));
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether {@code pid} is a PostgreSQL server on this node's data directory (not exited, not a zombie). */
  boolean isPostmaster(long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (h.isEmpty() || zombie(pid)) {
      return false;
    }
    List<String> args = h.get().info().arguments().map(List::of).orElse(List.of());
    int d = args.indexOf("-D");
    return d >= 0 && d + 1 < args.size() && Path.of(args.get(d + 1)).equals(dataDirectory().toAbsolutePath());
  }

  /** {@code kill -9} of the postmaster alone, as the OOM killer would. */
  void kill9Postmaster(long pid) {
    signal("KILL", String.valueOf(pid));
  }

  /**
   * {@code kill -9} of everything at once, as a power cut: the JVM's process group, the
   * postmaster and every process it started.
   */
  void powerCut() {
    long postmaster = postmasterPid().orElseThrow();
    List<ProcessHandle> all = new ArrayList<>(ProcessHandle.of(postmaster).stream()
        .flatMap(p -> Stream.concat(Stream.of(p), p.descendants())).toList());
    all.addAll(process.descendants().toList());
    signal("KILL", "-" + process.pid());
    all.forEach(ProcessHandle::destroyForcibly);
    waitFor(process);
  }

  // ---- HTTP ----

  record Response(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonArray array() {
      return new JsonArray(body);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  Response ready() {
    return send("GET", "/ready", null);
  }

  void declareQueue(String queue) {
    Response r = send("PUT", "/api/queues/%2F/" + queue, new JsonObject().put("durable", true));
    if (r.status() / 100 != 2) {
      throw new IllegalStateException("declaring " + queue + ": " + r);
    }
  }

  /** Publishes a persistent message to {@code queue} (through the default exchange); 200 means confirmed. */
  Response publish(String queue, String body) {
    return send("POST", "/api/exchanges/%2F/amq.default/publish", new JsonObject().put("routing_key", queue)
        .put("payload", body).put("payload_encoding", "string")
        .put("properties", new JsonObject().put("delivery_mode", 2)));
  }

  /** Takes up to {@code count} messages from {@code queue} with {@code ackmode}, as {@code /get} answers them. */
  JsonArray get(String queue, int count, String ackmode) {
    Response r = send("POST", "/api/queues/%2F/" + queue + "/get", new JsonObject().put("count", count)
        .put("ackmode", ackmode));
    if (r.status() != 200) {
      throw new IllegalStateException("get from " + queue + ": " + r);
    }
    return r.array();
  }

  /** One request; a connection that fails counts as status 0. */
  Response send(String method, String path, JsonObject body) {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json").build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Response(0, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Kills the JVM if it runs, stops a postmaster left on the data directory, and deletes the data (not the log). */
  @Override
  public void close() {
    Process p = process;
    if (p != null && p.isAlive()) {
      signal("KILL", "-" + p.pid());
      waitFor(p);
    }
    running.remove(this);
    postmasterPid().filter(this::isPostmaster).ifPresent(pid -> {
      signal("INT", String.valueOf(pid));
      await("the postmaster " + pid + " stops").atMost(TIMEOUT).until(() -> !isPostmaster(pid));
    });
    if (Files.exists(dir.resolve("data"))) {
      try (Stream<Path> paths = Files.walk(dir.resolve("data"))) {
        paths.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void waitFor(Process p) {
    try {
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("the node did not exit within " + TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void signal(String signal, String target) {
    try {
      Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " -- \"$1\"", "kill", target)
          .redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -s " + signal + " " + target + " failed: "
            + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
