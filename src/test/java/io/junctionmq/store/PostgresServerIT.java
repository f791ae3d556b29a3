package io.junctionmq.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded server's life on one data directory: one owner at a time, lock files left by
 * servers that are gone, a watchdog for when its owner dies, a postmaster killed under a
 * running broker. Each test starts and stops its own server on the same directory.
 */
class PostgresServerIT {
  private static Path dir;

  @BeforeAll
  static void initialize() throws IOException {
    dir = Path.of(System.getProperty("basedir", "."), "target", "postgres-server-it",
        "pg-" + ProcessHandle.current().pid()).toAbsolutePath();
    PostgresServer.start(dir, 0, false).close();
  }

  @AfterAll
  static void deleteData() throws IOException {
    try (Stream<Path> paths = Files.walk(dir.getParent())) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void aSecondServerOnTheSameDataDirectoryIsRefusedAndTheFirstRunsOn() throws Exception {
    try (PostgresServer first = PostgresServer.start(dir, 0, false)) {
      IOException refused = assertThrows(IOException.class, () -> PostgresServer.start(dir, 0, false));
      assertTrue(refused.getMessage().contains("in use by this process already"),
          refused.getMessage());
      assertEquals(1, queryInt(first, "SELECT 1"));
    }
  }

  @Test
  void aLockFileNamingAnotherLiveProgramIsRemovedAndThatProgramIsLeftAlone() throws Exception {
    Process other = new ProcessBuilder("sleep", "60").start();
    try {
      writeLockFile(other.pid());
      try (PostgresServer pg = PostgresServer.start(dir, 0, false)) {
        assertEquals(1, queryInt(pg, "SELECT 1"));
        assertNotEquals(other.pid(), pg.pid());
      }
      assertTrue(other.isAlive(), "the program the stale lock file named was left running");
    } finally {
      other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aLockFileCopiedFromAnotherRunningServerLeavesThatServerAlone() throws Exception {
    Path otherDirectory = dir.resolveSibling(dir.getFileName() + "-other");
    try (PostgresServer other = PostgresServer.start(otherDirectory, 0, false)) {
      // A data directory copied while its server ran: the lock file names a live postmaster, of another directory.
      Files.copy(otherDirectory.resolve(PostmasterPid.FILE), dir.resolve(PostmasterPid.FILE));
      try (PostgresServer pg = PostgresServer.start(dir, 0, false)) {
        assertEquals(1, queryInt(pg, "SELECT 1"));
      }
      assertEquals(Postmasters.Kind.POSTMASTER, Postmasters.inspect(other.pid(), otherDirectory));
      assertEquals(1, queryInt(other, "SELECT 1"));
    }
  }

  @Test
  void aLockFileNamingAnExitedButUnreapedProcessIsRemoved() throws Exception {
    // sleep 60 never reaps the child its shell left it: that child stays a zombie, whose PID answers signals.
    Process parent = new ProcessBuilder("sh", "-c", "sleep 0.05 & exec sleep 60").start();
    try {
      ProcessHandle child = await().atMost(Duration.ofSeconds(10))
          .until(() -> parent.children().findFirst().orElse(null), c -> c != null && zombie(c.pid()));
      writeLockFile(child.pid());
      try (PostgresServer pg = PostgresServer.start(dir, 0, false)) {
        assertEquals(1, queryInt(pg, "SELECT 1"));
      }
    } finally {
      parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPostmasterKilledWithSigkillIsStartedAgainOnTheSamePortWithItsData() throws Exception {
    // Durable: with synchronous_commit off a commit may still be in memory when the server is killed.
    try (PostgresServer pg = PostgresServer.start(dir, 0, true)) {
      execute(pg, "CREATE TABLE IF NOT EXISTS survivor (n int)");
      execute(pg, "INSERT INTO survivor VALUES (7)");
      long killed = pg.pid();
      int port = pg.port();
      ProcessHandle.of(killed).orElseThrow().destroyForcibly();

      await("the outage is reported").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
          .until(() -> pg.outage().isPresent());
      assertTrue(pg.outage().get().contains("pid " + killed), pg.outage().get());
      await("the server runs again").atMost(Duration.ofSeconds(30)).until(() -> pg.outage().isEmpty());
      assertNotEquals(killed, pg.pid());
      assertEquals(port, pg.port());
      assertEquals(7, queryInt(pg, "SELECT n FROM survivor"));
      execute(pg, "DROP TABLE survivor");
    }
  }

  @Test
  void closingStopsThePostmasterAndLeavesTheDirectoryFree() throws Exception {
    long pid;
    try (PostgresServer pg = PostgresServer.start(dir, 0, false)) {
      pid = pg.pid();
    }
    // Exited, though perhaps not reaped yet by its parent (init, which took it over from pg_ctl).
    assertNotEquals(Postmasters.Kind.POSTMASTER, Postmasters.inspect(pid, dir), "postmaster " + pid + " still runs");
    assertFalse(Files.exists(dir.resolve(PostmasterPid.FILE)));
    PostgresServer.start(dir, 0, false).close();
  }

  @Test
  void theWatchdogStopsThePostmasterWhenTheProcessThatStartedItDies() throws Exception {
    try (PostgresServer pg = PostgresServer.start(dir, 0, false)) {
      long postmaster = pg.pid();
      Process watchdog = watchdog(postmaster);
      // What the kernel does for a process that dies: its end of the pipe closes.
      watchdog.getOutputStream().close();
      assertTrue(watchdog.waitFor(10, TimeUnit.SECONDS));
      await("the postmaster stops").atMost(Duration.ofSeconds(20))
          .until(() -> Postmasters.inspect(postmaster, dir) != Postmasters.Kind.POSTMASTER);
      assertTrue(Files.readString(ServerLog.file(dir)).contains("received fast shutdown request"));
    }
  }

  @Test
  void theWatchdogSignalsNoProcessThatTheLockFileDoesNotName() throws Exception {
    Process other = new ProcessBuilder("sleep", "60").start();
    try (PostgresServer pg = PostgresServer.start(dir, 0, false)) {
      Process watchdog = watchdog(other.pid());
      watchdog.getOutputStream().close();
      assertTrue(watchdog.waitFor(10, TimeUnit.SECONDS));
      assertTrue(other.isAlive(), "the watchdog signalled a process postmaster.pid does not name");
      assertEquals(Postmasters.Kind.POSTMASTER, Postmasters.inspect(pg.pid(), dir));
    } finally {
      other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A watchdog as {@link Watchdog} starts one, whose pipe the test holds. */
  private static Process watchdog(long pid) throws IOException {
    return new ProcessBuilder("/bin/sh", "-c", Watchdog.SCRIPT, "watchdog", String.valueOf(pid), dir.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static void writeLockFile(long pid) throws IOException {
    Files.writeString(dir.resolve(PostmasterPid.FILE), pid + "\n" + dir + "\n1796647120\n5432\n\nlocalhost\n"
        + "  2253027     98346\nready   \n", StandardCharsets.UTF_8);
  }

  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  private static Connection connect(PostgresServer pg) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://localhost:" + pg.port() + "/" + PostgresServer.DATABASE
        + "?user=" + PostgresServer.USER);
  }

  private static void execute(PostgresServer pg, String sql) throws SQLException {
    try (Connection c = connect(pg); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static int queryInt(PostgresServer pg, String sql) throws SQLException {
    try (Connection c = connect(pg); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
