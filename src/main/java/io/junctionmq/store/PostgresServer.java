package io.junctionmq.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL server (a real {@code postgres} process) keeping its data in a
 * directory across restarts. Starting blocks for about a second (several on the very first
 * start, which unpacks the binaries): never start one on an event loop.
 *
 * <pre>{@code
 * try (var pg = PostgresServer.start(Path.of("pgdata"), 0)) {
 *   Pool pool = PgPools.create(vertx, pg.uri(), 8);
 * }
 * }</pre>
 *
 * <p>One process at a time runs a server on a directory ({@link DataDirectoryLock}). A server
 * left running by a process that was killed is stopped before a new one starts
 * ({@link LeftoverServer}); one that dies while its process runs is started again
 * ({@link PostmasterSupervisor}); and when this process dies, however it dies, a
 * {@link Watchdog} stops the server. Nothing stops it on the JVM's shutdown by itself (zonky's
 * shutdown hook is off): its owner closes it, after whatever still writes to it.
 * PostgreSQL's own log goes to {@code <data directory>.log} beside the directory.
 */
public final class PostgresServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

  public static final String DATABASE = "postgres";
  public static final String USER = "postgres";
  /** How long a start may take: crash recovery replays the WAL written since the last checkpoint. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  /** How long a server is given to stop with a fast shutdown (a checkpoint), then with an immediate one. */
  static final Duration FAST_STOP = Duration.ofSeconds(30);
  static final Duration IMMEDIATE_STOP = Duration.ofSeconds(10);

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;
  private final DataDirectoryLock lock;
  private final PostmasterSupervisor supervisor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PostgresServer(EmbeddedPostgres postgres, Path dataDirectory, DataDirectoryLock lock,
                         PostmasterSupervisor supervisor) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
    this.lock = lock;
    this.supervisor = supervisor;
  }

  /** Starts a durable server (fsync and synchronous commit on): see {@link #start(Path, int, boolean)}. */
  public static PostgresServer start(Path dataDirectory, int port) throws IOException {
    return start(dataDirectory, port, true);
  }

  /**
   * Starts PostgreSQL on {@code dataDirectory}, initializing it when empty; a server still
   * running there from a process that is gone is stopped first.
   *
   * @param port the TCP port on localhost, or 0 for a free one
   * @param durable whether commits are fsynced ({@code fsync} and {@code synchronous_commit}
   *     on); only tests should pass false, since a crash may then lose confirmed messages
   * @throws IOException when the server cannot be started, or another process runs one on
   *     {@code dataDirectory}
   */
  public static PostgresServer start(Path dataDirectory, int port, boolean durable) throws IOException {
    Path dir = dataDirectory.toAbsolutePath().normalize();
    Files.createDirectories(dir.getParent());
    DataDirectoryLock lock = DataDirectoryLock.acquire(dir);
    try {
      logLeftover(LeftoverServer.clear(dir, FAST_STOP, IMMEDIATE_STOP), dir);
      Path serverLog = ServerLog.file(dir);
      ServerLog.rotate(serverLog);
      long started = System.nanoTime();
      long logEnd = ServerLog.end(serverLog);
      EmbeddedPostgres pg = embedded(dir, port, durable, serverLog, logEnd);
      long pid;
      try {
        pid = runningPostmaster(dir, pg.getPort(), serverLog, logEnd);
      } catch (IOException e) {
        pg.close();
        throw e;
      }
      var supervisor = new PostmasterSupervisor(dir, serverLog, pg.getPort(), pid, Postmasters.command(pid),
          START_TIMEOUT);
      log.atInfo().addKeyValue("event", "postgres.started").addKeyValue("pid", pid).addKeyValue("port", pg.getPort())
          .addKeyValue("data_dir", dir).addKeyValue("durable", durable)
          .addKeyValue("elapsed_ms", (System.nanoTime() - started) / 1_000_000)
          .log("PostgreSQL started on port {} with data in {} (durable={})", pg.getPort(), dir, durable);
      return new PostgresServer(pg, dir, lock, supervisor);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static EmbeddedPostgres embedded(Path dir, int port, boolean durable, Path serverLog, long logEnd)
      throws IOException {
    String onOff = durable ? "on" : "off";
    try {
      return EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setPort(port)
          // zonky's hook would stop the server as soon as the JVM is told to stop, while the
          // broker still hands its queues over and writes what is pending: its owner closes it, last.
          .setRegisterShutdownHook(false)
          .setPGStartupWait(START_TIMEOUT)
          .setOutputRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
          .setErrorRedirector(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
          // zonky passes -F (fsync off) and synchronous_commit=off; -c options given later win.
          .setServerConfig("fsync", onOff)
          .setServerConfig("synchronous_commit", onOff)
          .setServerConfig("full_page_writes", onOff)
          // The message table's per-table autovacuum thresholds only help if the launcher
          // looks often: the default naptime of one minute lets dead rows pile up.
          .setServerConfig("autovacuum_naptime", "2s")
          .setServerConfig("listen_addresses", "localhost")
          // TCP only: a Unix socket's lock file (in /tmp, shared) naming a killed server's PID,
          // not reaped yet or reused since, would stop the next start on the same port.
          .setServerConfig("unix_socket_directories", "")
          .start();
    } catch (IOException | RuntimeException e) {
      // A server that came up after zonky gave up on it must not stay behind.
      try {
        LeftoverServer.clear(dir, FAST_STOP, IMMEDIATE_STOP);
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new IOException("PostgreSQL did not start on " + dir + ": " + e.getMessage()
          + "; its log (" + serverLog + ") says: " + ServerLog.explain(serverLog, logEnd), e);
    }
  }

  /**
   * The PID of the postmaster zonky started, checked: zonky takes a server that answers on the
   * port for its own, and another one may listen there.
   */
  private static long runningPostmaster(Path dir, int port, Path serverLog, long logEnd) throws IOException {
    PostmasterPid running = PostmasterPid.read(dir).orElse(null);
    if (running == null || running.port() != port
        || Postmasters.inspect(running.pid(), dir) != Postmasters.Kind.POSTMASTER) {
      throw new IOException("PostgreSQL did not start on " + dir + " (a server answered on port " + port
          + ", not this one); its log (" + serverLog + ") says: " + ServerLog.explain(serverLog, logEnd));
    }
    return running.pid();
  }

  /** Logs what {@link LeftoverServer#clear} found, if anything. */
  static void logLeftover(LeftoverServer.Outcome outcome, Path dir) {
    if (outcome instanceof LeftoverServer.Outcome.Stopped s) {
      log.atWarn().addKeyValue("event", "postgres.orphan.stopped").addKeyValue("pid", s.pid())
          .addKeyValue("port", s.port()).addKeyValue("data_dir", dir).addKeyValue("shutdown", s.how())
          .addKeyValue("elapsed_ms", s.millis())
          .log("stopped the PostgreSQL (pid {}) that a killed process left running on {}", s.pid(), dir);
    } else if (outcome instanceof LeftoverServer.Outcome.StaleLock s) {
      log.atInfo().addKeyValue("event", "postgres.stale-lock").addKeyValue("pid", s.pid()).addKeyValue("data_dir", dir)
          .addKeyValue("removed", s.removed()).addKeyValue("reason", s.why())
          .log("PostgreSQL was not stopped cleanly on {}: {}", dir, s.why());
    }
  }

  /** The server's URI, as accepted by {@code PgConnectOptions.fromUri} and {@link PgPools}. */
  public String uri() {
    return uri(DATABASE);
  }

  /** The URI of another database on this server. */
  public String uri(String database) {
    return "postgresql://" + USER + "@localhost:" + postgres.getPort() + "/" + database;
  }

  public int port() {
    return postgres.getPort();
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Why the server cannot be used now (it exited and is being restarted, or could not be); empty while it runs. */
  public Optional<String> outage() {
    return supervisor.outage();
  }

  /** The PID of the running postmaster (of the last one, while it is down). */
  public long pid() {
    return supervisor.pid();
  }

  /**
   * Stops the server (fast shutdown: sessions are disconnected, data is flushed; an immediate
   * shutdown if that takes longer than {@link #FAST_STOP}) and waits until it has exited.
   */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    long started = System.nanoTime();
    supervisor.stop();
    try {
      // zonky runs pg_ctl stop (fast, waiting 5 s) and releases its own lock file.
      postgres.close();
      // Whatever still runs on the directory (a checkpoint longer than zonky waits): waited for, bounded.
      LeftoverServer.clear(dataDirectory, FAST_STOP, IMMEDIATE_STOP);
      log.atInfo().addKeyValue("event", "postgres.stopped").addKeyValue("data_dir", dataDirectory)
          .addKeyValue("elapsed_ms", (System.nanoTime() - started) / 1_000_000)
          .log("PostgreSQL on {} stopped", dataDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      supervisor.closeWatchdog();
      try {
        lock.close();
      } catch (IOException e) {
        log.warn("releasing {} failed: {}", lock.file(), e.getMessage());
      }
    }
  }

  /**
   * Runs a server in the foreground until the JVM is told to stop (SIGTERM, SIGINT):
   * {@code postgres [--port 5432] [--data-dir ./pgdata] [--no-fsync]}.
   */
  public static void runStandalone(String[] args) throws IOException, InterruptedException {
    int port = 5432;
    Path dir = Path.of("pgdata");
    boolean durable = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "postgres" -> { }
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--data-dir" -> dir = Path.of(args[++i]);
        case "--no-fsync" -> durable = false;
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; usage: postgres [--port 5432] [--data-dir ./pgdata] [--no-fsync]");
      }
    }
    PostgresServer server = start(dir, port, durable);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "postgres-stop"));
    System.out.println("PostgreSQL listening at " + server.uri());
    stopped.await();
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    runStandalone(args);
  }
}
