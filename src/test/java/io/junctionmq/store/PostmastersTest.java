package io.junctionmq.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostmastersTest {
  private static final String POSTGRES = "/tmp/embedded-pg/PG-ae6c/bin/postgres";

  @Test
  void aPostgresProgramStartedOnTheDirectoryIsItsPostmaster(@TempDir Path dir) {
    assertTrue(Postmasters.isPostmasterOf(POSTGRES, List.of("-D", dir.toString(), "-p", "5432"), dir));
    assertTrue(Postmasters.isPostmasterOf(POSTGRES, List.of("-D", dir + "/./", "-p", "5432"), dir));
  }

  @Test
  void postgresOnAnotherDirectoryOrAnotherProgramIsNot(@TempDir Path dir) {
    assertFalse(Postmasters.isPostmasterOf(POSTGRES, List.of("-D", dir.resolve("other").toString()), dir));
    assertFalse(Postmasters.isPostmasterOf(POSTGRES, List.of("-p", "5432"), dir));
    assertFalse(Postmasters.isPostmasterOf(POSTGRES, List.of("-D"), dir));
    assertFalse(Postmasters.isPostmasterOf("/usr/bin/sleep", List.of("-D", dir.toString()), dir));
    assertFalse(Postmasters.isPostmasterOf("/usr/bin/postgres-exporter", List.of("-D", dir.toString()), dir));
  }

  @Test
  void thisProcessIsNoPostmaster(@TempDir Path dir) {
    assertEquals(Postmasters.Kind.OTHER, Postmasters.inspect(ProcessHandle.current().pid(), dir));
  }

  @Test
  void aPostmastersOptionsLeaveOutItsDataDirectory() {
    var command = Postmasters.Command.of(Path.of(POSTGRES),
        List.of("-D", "/data/postgres", "-p", "36003", "-F", "-c", "fsync=on", "-c", "unix_socket_directories="));
    assertEquals(List.of("-p", "36003", "-F", "-c", "fsync=on", "-c", "unix_socket_directories="), command.options());
  }

  @Test
  void pgCtlOptionsAreQuotedForTheShell() {
    assertEquals("'-c' 'unix_socket_directories=' '-c' 'search_path='\\''x'\\'''",
        PgCtl.shellWords(List.of("-c", "unix_socket_directories=", "-c", "search_path='x'")));
  }
}
