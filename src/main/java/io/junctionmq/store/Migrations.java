package io.junctionmq.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date from the scripts in {@code db/migration/} on the classpath.
 * All pending scripts run in one transaction under an advisory lock, so nodes starting
 * together apply each script once and a failed script leaves nothing half done.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** The scripts in order; a new version adds its file here. */
  static final List<String> SCRIPTS = List.of("V1__init.sql", "V2__security.sql", "V3__user_limits.sql", "V4__dedup.sql");

  // Any constant works; it only has to be the same on every node ("jmq" in ASCII).
  private static final long LOCK_KEY = 0x6a6d71L;

  private Migrations() {
  }

  /** The schema version this code needs: that of its newest script. */
  public static int expectedVersion() {
    return SCRIPTS.stream().mapToInt(Migrations::version).max().orElse(0);
  }

  /**
   * Applies the scripts not applied yet. Completes with the schema version now in place;
   * fails with {@link StoreException} when the database cannot be reached or a script fails.
   */
  public static Future<Integer> apply(Pool pool) {
    return pool.withTransaction(Migrations::applyLocked)
        .recover(e -> Future.failedFuture(e instanceof StoreException ? e
            : new StoreException("schema migration failed", e)));
  }

  private static Future<Integer> applyLocked(SqlConnection conn) {
    return conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(LOCK_KEY))
        // Spares every later start the notice that the table exists already.
        .compose(v -> conn.query("SET LOCAL client_min_messages = warning").execute())
        .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS schema_version ("
            + "version integer PRIMARY KEY, script text NOT NULL, "
            + "applied_at timestamptz NOT NULL DEFAULT now())").execute())
        .compose(v -> conn.query("SELECT version FROM schema_version").execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          for (Row row : rows) {
            applied.add(row.getInteger(0));
          }
          int known = SCRIPTS.size();
          if (applied.stream().anyMatch(v -> v > known)) {
            log.warn("The database has schema versions newer than {}; a newer node migrated it", known);
          }
          Future<Void> chain = Future.succeededFuture();
          for (String script : SCRIPTS) {
            int version = version(script);
            if (!applied.contains(version)) {
              chain = chain.compose(v -> run(conn, version, script));
            }
          }
          return chain.map(v -> Math.max(known, applied.stream().max(Integer::compare).orElse(0)));
        });
  }

  private static Future<Void> run(SqlConnection conn, int version, String script) {
    log.info("Applying schema migration {}", script);
    // A plain (simple protocol) query may hold many statements.
    return conn.query(load(script)).execute()
        .compose(v -> conn.preparedQuery("INSERT INTO schema_version (version, script) VALUES ($1, $2)")
            .execute(Tuple.of(version, script)))
        .mapEmpty();
  }

  static int version(String script) {
    return Integer.parseInt(script.substring(1, script.indexOf("__")));
  }

  private static String load(String script) {
    String path = "db/migration/" + script;
    try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing migration resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
