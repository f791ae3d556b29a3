package io.junctionmq.store;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * One database of the test PostgreSQL made unavailable while the brokers on it run, the rest of
 * the server untouched: every session on it is ended and new ones are refused (PostgreSQL's
 * {@code ALLOW_CONNECTIONS false}, which binds superusers too), until {@link #close()}. Fast
 * both ways, unlike stopping a server.
 *
 * <pre>{@code
 * try (var outage = StoreOutage.begin(pgUri)) {
 *   // every query of the brokers on pgUri fails
 * }
 * // they connect again
 * }</pre>
 */
public final class StoreOutage implements AutoCloseable {
  private final String database;

  private StoreOutage(String database) {
    this.database = database;
  }

  /** Ends every session on the database of {@code uri} and refuses new ones; returns once none is left. */
  public static StoreOutage begin(String uri) {
    String database = URI.create(uri).getPath().substring(1);
    if (!database.matches("[a-z0-9_]+")) {
      throw new IllegalArgumentException("not a test database: " + database);
    }
    var outage = new StoreOutage(database);
    outage.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
    outage.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
    await("no session left on " + database).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
        .until(() -> outage.sessions() == 0);
    return outage;
  }

  /** Accepts sessions on the database again. */
  @Override
  public void close() {
    execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
  }

  private int sessions() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private void execute(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run '" + sql + "'", e);
    }
  }

  /** A session on the server's own database, which stays available. */
  private static Connection connect() throws SQLException {
    String uri = TestPostgres.server().uri();
    return DriverManager.getConnection("jdbc:" + uri.replaceFirst("//" + PostgresServer.USER + "@", "//")
        + "?user=" + PostgresServer.USER);
  }
}
