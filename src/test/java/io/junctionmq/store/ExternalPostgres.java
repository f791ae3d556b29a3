package io.junctionmq.store;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.junctionmq.cluster.FreePorts;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server of its own, separate from the broker and from {@link TestPostgres}, that a
 * test stops for real ({@code pg_ctl stop -m immediate}, {@code kill -9} of the postmaster),
 * starts again, or replicates and promotes. It runs Debian's {@code postgresql-15} binaries
 * ({@link #BIN}, which zonky's bundle lacks {@code pg_basebackup} of), on a data directory
 * under {@code target/external-postgres/} and a free loopback port, TCP only. As root, every
 * binary runs under {@code unshare -U}, as zonky's do: PostgreSQL refuses to run as root.
 *
 * <pre>{@code
 * ExternalPostgres.assumeInstalled();
 * try (var pg = ExternalPostgres.create("MyIT-primary", Map.of())) {
 *   pg.start();
 *   pg.stopImmediately();
 * }
 * }</pre>
 *
 * A shutdown hook stops whatever a failed test left running.
 */
public final class ExternalPostgres implements AutoCloseable {
  public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Set<ExternalPostgres> running = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(ExternalPostgres::killQuietly),
        "external-postgres-reaper"));
  }

  private final String name;
  private final Path dataDirectory;
  private final Path log;
  private final int port;

  private ExternalPostgres(String name, Path dataDirectory, int port) {
    this.name = name;
    this.dataDirectory = dataDirectory;
    this.log = dataDirectory.resolveSibling(dataDirectory.getFileName() + ".log");
    this.port = port;
  }

  /** Skips the test unless Debian's {@code postgresql-15} is installed; fails instead in CI ({@code CI=true}). */
  public static void assumeInstalled() {
    boolean present = Files.isExecutable(BIN.resolve("pg_basebackup")) && Files.isExecutable(BIN.resolve("postgres"));
    String why = "Debian's postgresql-15 is not installed (" + BIN + ")";
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(why + ": CI must have it (.ci/run installs it)");
    }
    assumeTrue(present, why);
  }

  /**
   * A new, stopped server: {@code initdb} (superuser {@code postgres}, trust authentication on
   * loopback, replication allowed) and {@code settings} appended to its configuration.
   */
  public static ExternalPostgres create(String name, Map<String, String> settings) {
    var pg = new ExternalPostgres(name, directory(name), FreePorts.next());
    pg.run(TIMEOUT, BIN.resolve("initdb").toString(), "-D", pg.dataDirectory.toString(), "-U", PostgresServer.USER,
        "-A", "trust", "--no-sync");
    pg.configure(settings);
    return pg;
  }

  /**
   * A new, stopped standby of the running {@code primary}: {@code pg_basebackup -R} (so it
   * starts as a streaming standby), known to the primary as {@code name} ({@code application_name},
   * what {@code synchronous_standby_names} lists), with {@code settings} added to (and
   * overriding) the configuration copied from the primary.
   */
  public static ExternalPostgres standbyOf(ExternalPostgres primary, String name, Map<String, String> settings) {
    var pg = new ExternalPostgres(name, directory(name), FreePorts.next());
    pg.run(TIMEOUT, BIN.resolve("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", String.valueOf(primary.port),
        "-U", PostgresServer.USER, "-D", pg.dataDirectory.toString(), "-R", "-X", "stream", "--no-sync",
        "-c", "fast");
    var all = new java.util.LinkedHashMap<>(settings);
    all.put("primary_conninfo", "'host=127.0.0.1 port=" + primary.port + " user=" + PostgresServer.USER
        + " application_name=" + name + "'");
    pg.configure(all);
    return pg;
  }

  /** Starts the server and waits until it accepts connections. */
  public ExternalPostgres start() {
    run(TIMEOUT, BIN.resolve("pg_ctl").toString(), "-D", dataDirectory.toString(), "-l", log.toString(),
        "-o", "-p " + port, "-w", "-t", String.valueOf(TIMEOUT.toSeconds()), "start");
    running.add(this);
    return this;
  }

  /** {@code pg_ctl stop -m immediate}: every session is cut, nothing is flushed; the next start recovers from the WAL. */
  public void stopImmediately() {
    run(TIMEOUT, BIN.resolve("pg_ctl").toString(), "-D", dataDirectory.toString(), "-m", "immediate", "-w", "stop");
    running.remove(this);
  }

  /** {@code kill -9} of the postmaster and of every process it started; waits until all are gone. */
  public void kill9() {
    ProcessHandle postmaster = ProcessHandle.of(postmasterPid())
        .orElseThrow(() -> new IllegalStateException(name + " is not running"));
    List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
    all.add(0, postmaster);
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : all) {
      p.onExit().orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }
    running.remove(this);
  }

  /** {@code pg_ctl promote}: a standby becomes a primary; waits until it accepts writes. */
  public void promote() {
    run(TIMEOUT, BIN.resolve("pg_ctl").toString(), "-D", dataDirectory.toString(), "-w",
        "-t", String.valueOf(TIMEOUT.toSeconds()), "promote");
  }

  /** The first column of the first row {@code sql} returns, as text (null if no row), over JDBC. */
  public String query(String sql) {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + PostgresServer.DATABASE
        + "?user=" + PostgresServer.USER); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(name + ": cannot run '" + sql + "'", e);
    }
  }

  /** The URI of database {@code postgres} on this server, as {@code PgPools} takes it. */
  public String uri() {
    return "postgresql://" + PostgresServer.USER + "@127.0.0.1:" + port + "/" + PostgresServer.DATABASE;
  }

  /** {@code host:port}, for a multi-host URI. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  /** Stops the server if it runs and deletes its data. */
  @Override
  public void close() {
    if (running.contains(this)) {
      stopImmediately();
    }
    TestPostgres.deleteRecursively(dataDirectory);
  }

  @Override
  public String toString() {
    return name + " on " + port;
  }

  private void configure(Map<String, String> settings) {
    var lines = new StringBuilder("\n# ExternalPostgres\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
        + "fsync = off\nfull_page_writes = off\n");
    settings.forEach((k, v) -> lines.append(k).append(" = ").append(v).append('\n'));
    try {
      Files.writeString(dataDirectory.resolve("postgresql.auto.conf"), lines, StandardOpenOption.APPEND);
      Files.writeString(dataDirectory.resolve("pg_hba.conf"), "\nhost replication all 127.0.0.1/32 trust\n",
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long postmasterPid() {
    try {
      return Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(name + " is not running", e);
    }
  }

  /** Runs a PostgreSQL program (under {@code unshare -U} as root), its output appended to the log; fails unless it exits 0. */
  private void run(Duration timeout, String... program) {
    var command = new ArrayList<String>();
    if (LinuxUtils.isUnshareAvailable()) {
      command.addAll(List.of("unshare", "-U"));
    }
    command.addAll(List.of(program));
    try {
      Files.createDirectories(log.getParent());
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not return within " + timeout);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + "; see " + log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void killQuietly() {
    try {
      kill9();
    } catch (RuntimeException e) {
      // the JVM is going: whatever could be killed was
    }
  }

  private static Path directory(String name) {
    Path dir = Path.of(System.getProperty("basedir", "."), "target", "external-postgres", name).toAbsolutePath();
    TestPostgres.deleteRecursively(dir);
    return dir;
  }
}
