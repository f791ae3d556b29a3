package io.junctionmq.store;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * One embedded PostgreSQL for the whole test JVM (fsync off, data under {@code target/}),
 * started on first use and stopped by a shutdown hook. Each test class takes a database of
 * its own, already migrated, with {@link #newDatabase()}:
 *
 * <pre>{@code
 * static String uri = TestPostgres.newDatabase();
 * Pool pool = PgPools.create(vertx, uri, 4);
 * }</pre>
 *
 * Call it from test threads only: the first call blocks for seconds.
 */
public final class TestPostgres {
  private static final String TEMPLATE = "junction_template";
  private static final AtomicInteger databases = new AtomicInteger();
  private static PostgresServer server;

  private TestPostgres() {
  }

  /** The running server, started (and the schema template built) on first use. */
  public static synchronized PostgresServer server() {
    if (server == null) {
      server = start();
    }
    return server;
  }

  /** Creates an empty database with the current schema; returns its {@code postgresql://} URI. */
  public static String newDatabase() {
    String name = "test_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    execute("CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
    return server().uri(name);
  }

  /** A database with no schema at all, for testing migrations themselves. */
  public static String newEmptyDatabase() {
    String name = "empty_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    execute("CREATE DATABASE " + name);
    return server().uri(name);
  }

  /** Empties every table of the database at {@code uri} (for tests sharing one database). */
  public static void truncate(String uri) {
    execute(uri, "TRUNCATE vhost, exchange, queue, binding, queue_lease, message, queue_delivery, app_user CASCADE");
  }

  private static PostgresServer start() {
    Path parent = Path.of(System.getProperty("basedir", "."), "target", "test-postgres");
    Path dir = parent.resolve("pg-" + ProcessHandle.current().pid());
    try {
      deleteLeftovers(parent);
      PostgresServer pg = PostgresServer.start(dir, 0, false);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.close();
          Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(dir.resolve("postmaster.pid")));
        } finally {
          deleteRecursively(dir);
          deleteRecursively(DataDirectoryLock.file(dir));
          deleteRecursively(ServerLog.file(dir));
        }
      }, "test-postgres-stop"));
      execute(pg.uri(), "CREATE DATABASE " + TEMPLATE);
      migrate(pg.uri(TEMPLATE));
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void migrate(String uri) {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgPools.create(vertx, uri, 1);
      Migrations.apply(pool).await(60, TimeUnit.SECONDS);
      pool.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot migrate the template database", e);
    } finally {
      vertx.close().await();
    }
  }

  private static void execute(String sql) {
    execute(server().uri(), sql);
  }

  public static void execute(String uri, String sql) {
    String jdbc = "jdbc:" + uri.replaceFirst("//" + PostgresServer.USER + "@", "//")
        + "?user=" + PostgresServer.USER;
    try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run '" + sql + "'", e);
    }
  }

  /** Removes the data of test JVMs that died without cleaning up. */
  private static void deleteLeftovers(Path parent) throws IOException {
    if (!Files.isDirectory(parent)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(parent)) {
      // pg-<pid>, with pg-<pid>.lock and pg-<pid>.log beside it.
      dirs.filter(d -> d.getFileName().toString().matches("pg-\\d+(\\.lock|\\.log)?"))
          .filter(d -> ProcessHandle.of(Long.parseLong(d.getFileName().toString().replaceAll("\\D", ""))).isEmpty())
          .forEach(TestPostgres::deleteRecursively);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
