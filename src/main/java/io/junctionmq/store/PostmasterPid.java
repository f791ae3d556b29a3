package io.junctionmq.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The lock file a PostgreSQL server keeps in its data directory while it runs,
 * {@code postmaster.pid}: the postmaster's PID, the data directory, its start time, port,
 * socket directory, listen address, shared memory key and status, one a line (PostgreSQL's
 * {@code pidfile.h}). A server that was killed leaves it behind.
 *
 * @param pid the postmaster's process id
 * @param dataDirectory the data directory the server was started on, as it was given
 * @param port its TCP port, or -1 when the file does not say yet
 * @param status {@code starting}, {@code ready}, {@code stopping}, or empty when not written yet
 */
record PostmasterPid(long pid, String dataDirectory, int port, String status) {
  static final String FILE = "postmaster.pid";

  /** The lock file of {@code dataDirectory}; empty when there is none. */
  static Optional<PostmasterPid> read(Path dataDirectory) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(dataDirectory.resolve(FILE), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return Optional.of(parse(lines));
  }

  /**
   * Parses the file's lines; throws {@link IllegalArgumentException} when the first is no PID
   * (a file still being written, or torn by a crash).
   */
  static PostmasterPid parse(List<String> lines) {
    long pid;
    try {
      pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      pid = -1;
    }
    if (pid <= 0) {
      throw new IllegalArgumentException(FILE + " holds no process id" + (lines.isEmpty() ? " (it is empty)"
          : ": '" + lines.get(0) + "'"));
    }
    return new PostmasterPid(pid, line(lines, 1), port(line(lines, 3)), line(lines, 7));
  }

  private static String line(List<String> lines, int index) {
    return lines.size() > index ? lines.get(index).trim() : "";
  }

  private static int port(String line) {
    try {
      return Integer.parseInt(line);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
