package io.junctionmq.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * The embedded PostgreSQL's own log ({@code initdb}, {@code pg_ctl} and the server: crash
 * recovery, checkpoints, fatal errors), appended to {@code <data directory>.log} beside its
 * data directory, and read back to say why a start failed.
 */
final class ServerLog {
  /** Past this size the log is moved to {@code <name>.log.1} at the next start, replacing the one there. */
  static final long ROTATE_BYTES = 16L << 20;
  private static final int READ_BYTES = 8192;

  private ServerLog() {
  }

  static Path file(Path dataDirectory) {
    return dataDirectory.resolveSibling(dataDirectory.getFileName() + ".log");
  }

  /** Starts a new file when this one has grown past {@link #ROTATE_BYTES}. */
  static void rotate(Path log) throws IOException {
    if (Files.exists(log) && Files.size(log) > ROTATE_BYTES) {
      Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Where the log ends now: {@link #explain} reads what is written after. */
  static long end(Path log) {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Why a start that began when the log ended at {@code from} failed, as the server said it: its
   * {@code FATAL} or {@code PANIC} lines (and their hints) written since, or else the last lines.
   */
  static String explain(Path log, long from) {
    List<String> lines = linesSince(log, from);
    List<String> fatal = lines.stream()
        .filter(l -> l.contains("FATAL:") || l.contains("PANIC:") || l.contains("HINT:")).toList();
    List<String> chosen = fatal.isEmpty() ? lines.subList(Math.max(0, lines.size() - 3), lines.size()) : fatal;
    return chosen.isEmpty() ? "nothing in " + log : String.join(" | ", chosen);
  }

  private static List<String> linesSince(Path log, long from) {
    try (var file = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(from, file.length() - READ_BYTES);
      if (start >= file.length()) {
        return List.of();
      }
      byte[] bytes = new byte[(int) (file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      return Arrays.stream(new String(bytes, StandardCharsets.UTF_8).split("\n"))
          .map(String::strip).filter(s -> !s.isEmpty()).toList();
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}
