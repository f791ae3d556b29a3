package io.junctionmq.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL server (a real {@code postgres} process) keeping its data in a
 * directory across restarts. Starting blocks for about a second (several on the very first
 * start, which unpacks the binaries): never start one on an event loop. Nothing stops it when
 * the JVM stops: whoever started it closes it.
 *
 * <pre>{@code
 * try (var pg = PostgresServer.start(Path.of("pgdata"), 0)) {
 *   Pool pool = PgPools.create(vertx, pg.uri(), 8);
 * }
 * }</pre>
 */
public final class PostgresServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

  public static final String DATABASE = "postgres";
  public static final String USER = "postgres";

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;

  private PostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
  }

  /** Starts a durable server (fsync and synchronous commit on): see {@link #start(Path, int, boolean)}. */
  public static PostgresServer start(Path dataDirectory, int port) throws IOException {
    return start(dataDirectory, port, true);
  }

  /**
   * Starts PostgreSQL on {@code dataDirectory}, initializing it when empty.
   *
   * @param port the TCP port on localhost, or 0 for a free one
   * @param durable whether commits are fsynced ({@code fsync} and {@code synchronous_commit}
   *     on); only tests should pass false, since a crash may then lose confirmed messages
   * @throws IOException when the server cannot be started
   */
  public static PostgresServer start(Path dataDirectory, int port, boolean durable) throws IOException {
    Path dir = dataDirectory.toAbsolutePath().normalize();
    Files.createDirectories(dir.getParent());
    String onOff = durable ? "on" : "off";
    long started = System.nanoTime();
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setPort(port)
        // zonky's hook would stop the server as soon as the JVM is told to stop, while the
        // broker still hands its queues over and writes what is pending: its owner closes it, last.
        .setRegisterShutdownHook(false)
        // zonky passes -F (fsync off) and synchronous_commit=off; -c options given later win.
        .setServerConfig("fsync", onOff)
        .setServerConfig("synchronous_commit", onOff)
        .setServerConfig("full_page_writes", onOff)
        // The message table's per-table autovacuum thresholds only help if the launcher
        // looks often: the default naptime of one minute lets dead rows pile up.
        .setServerConfig("autovacuum_naptime", "2s")
        .setServerConfig("listen_addresses", "localhost")
        .start();
    log.info("PostgreSQL started on port {} with data in {} (durable={}) in {} ms",
        pg.getPort(), dir, durable, (System.nanoTime() - started) / 1_000_000);
    return new PostgresServer(pg, dir);
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

  /** Stops the server (fast shutdown: sessions are disconnected, data is flushed). */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
