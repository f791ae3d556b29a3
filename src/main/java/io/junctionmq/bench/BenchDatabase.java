package io.junctionmq.bench;

import io.junctionmq.config.JunctionConfig;
import io.junctionmq.store.PgPools;
import io.junctionmq.store.PostgresServer;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL that the in-process broker and the pg ceiling share: the one {@code pg.uri}
 * names, else an embedded server with fsync on in a temporary directory, removed at close.
 * Opening and closing block: call them from the bench's main thread, never an event loop.
 */
final class BenchDatabase implements AutoCloseable {
  private static final String SETTINGS = "SELECT current_setting('server_version'), current_setting('fsync'),"
      + " current_setting('synchronous_commit')";

  private final String uri;
  private final String description;
  private final PostgresServer embedded;
  private final Path tempDir;

  private BenchDatabase(String uri, String description, PostgresServer embedded, Path tempDir) {
    this.uri = uri;
    this.description = description;
    this.embedded = embedded;
    this.tempDir = tempDir;
  }

  static BenchDatabase open(Vertx vertx, JunctionConfig config) throws Exception {
    if (config.pgUri().isPresent()) {
      String uri = config.pgUri().get();
      var o = PgConnectOptions.fromUri(uri);
      String where = "PostgreSQL at " + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase() + " (pg.uri)";
      return new BenchDatabase(uri, where + ", " + settings(vertx, uri), null, null);
    }
    Path dir = Files.createTempDirectory("junction-bench-");
    PostgresServer pg;
    try {
      pg = PostgresServer.start(dir.resolve("postgres"), 0, true);
    } catch (IOException | RuntimeException e) {
      deleteRecursively(dir);
      throw e;
    }
    try {
      String where = "embedded PostgreSQL in " + dir;
      return new BenchDatabase(pg.uri(), where + ", " + settings(vertx, pg.uri()), pg, dir);
    } catch (Exception e) {
      pg.close();
      deleteRecursively(dir);
      throw e;
    }
  }

  String uri() {
    return uri;
  }

  String description() {
    return description;
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
      deleteRecursively(tempDir);
    }
  }

  private static String settings(Vertx vertx, String uri) throws Exception {
    Pool pool = PgPools.create(vertx, uri, 1);
    try {
      Row r = pool.query(SETTINGS).execute().await(30, TimeUnit.SECONDS).iterator().next();
      return "server " + r.getString(0) + ", fsync=" + r.getString(1) + ", synchronous_commit=" + r.getString(2);
    } finally {
      pool.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
