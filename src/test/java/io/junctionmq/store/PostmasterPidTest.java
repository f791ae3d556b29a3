package io.junctionmq.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostmasterPidTest {
  @Test
  void aRunningServersLockFileGivesItsPidDirectoryPortAndStatus() {
    var pid = PostmasterPid.parse(List.of("3547", "/tmp/crash1/data/postgres", "1796647120", "36003", "/tmp",
        "localhost", "  2253027     98346", "ready   "));
    assertEquals(new PostmasterPid(3547, "/tmp/crash1/data/postgres", 36003, "ready"), pid);
  }

  @Test
  void aLockFileCutShortStillGivesThePid() {
    assertEquals(new PostmasterPid(42, "/data", -1, ""), PostmasterPid.parse(List.of("42", "/data")));
  }

  @Test
  void aLockFileWithoutAPidIsRefusedWithWhatItHolds() {
    var empty = assertThrows(IllegalArgumentException.class, () -> PostmasterPid.parse(List.of()));
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    var garbage = assertThrows(IllegalArgumentException.class, () -> PostmasterPid.parse(List.of("\0\0x")));
    assertTrue(garbage.getMessage().contains("no process id"), garbage.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PostmasterPid.parse(List.of("-1")));
  }

  @Test
  void aDirectoryWithoutLockFileHasNone(@TempDir Path dir) throws Exception {
    assertTrue(PostmasterPid.read(dir).isEmpty());
    Files.writeString(dir.resolve(PostmasterPid.FILE), "7\n" + dir + "\n");
    assertEquals(7, PostmasterPid.read(dir).orElseThrow().pid());
  }
}
