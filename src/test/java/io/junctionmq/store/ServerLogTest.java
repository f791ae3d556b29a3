package io.junctionmq.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerLogTest {
  @Test
  void theLogLivesBesideTheDataDirectory() {
    assertEquals(Path.of("/srv/data/postgres.log"), ServerLog.file(Path.of("/srv/data/postgres")));
  }

  @Test
  void aFailedStartIsExplainedByTheFatalLinesWrittenSinceItBegan(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("postgres.log");
    Files.writeString(log, "[9578] FATAL:  terminating connection due to unexpected postmaster exit\n");
    long mark = ServerLog.end(log);
    Files.writeString(log, """
        waiting for server to start....[9846] LOG:  starting PostgreSQL 15.15
        [9846] FATAL:  lock file "postmaster.pid" already exists
        [9846] HINT:  Is another postmaster (PID 9512) running in data directory "/data/postgres"?
        [9846] LOG:  database system is shut down
         stopped waiting
        pg_ctl: could not start server
        """, StandardOpenOption.APPEND);
    assertEquals("[9846] FATAL:  lock file \"postmaster.pid\" already exists | [9846] HINT:  Is another postmaster"
        + " (PID 9512) running in data directory \"/data/postgres\"?", ServerLog.explain(log, mark));
  }

  @Test
  void withoutAFatalLineTheLastLinesExplain(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("postgres.log");
    Files.writeString(log, "one\ntwo\nthree\nfour\n");
    assertEquals("two | three | four", ServerLog.explain(log, 0));
    assertEquals("nothing in " + log, ServerLog.explain(log, ServerLog.end(log)));
    assertEquals("nothing in " + dir.resolve("none.log"), ServerLog.explain(dir.resolve("none.log"), 0));
  }

  @Test
  void aLogPastItsLimitMakesWayForANewOne(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("postgres.log");
    Files.writeString(log, "small\n");
    ServerLog.rotate(log);
    assertTrue(Files.exists(log));
    Files.write(log, new byte[(int) ServerLog.ROTATE_BYTES + 1]);
    ServerLog.rotate(log);
    assertFalse(Files.exists(log));
    assertTrue(Files.exists(dir.resolve("postgres.log.1")));
  }
}
