package io.junctionmq.store;

import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts a postmaster again, as it was started the first time: the {@code pg_ctl} beside its
 * {@code postgres} binary, the same options, and, when running as root, under
 * {@code unshare -U} as zonky's {@code EmbeddedPostgres} does (PostgreSQL refuses to run as
 * root). Zonky cannot start a server twice on one directory in one JVM (it holds its own lock
 * file until it is closed, and closing it stops the server), hence this.
 */
final class PgCtl {
  private PgCtl() {
  }

  /**
   * Starts PostgreSQL on {@code dataDirectory} and waits until it accepts connections, at most
   * {@code timeout}; its output is appended to {@code log}.
   *
   * @throws IOException when it did not start; the message says why, as the server's log does
   */
  static void start(Postmasters.Command postmaster, Path dataDirectory, Path log, Duration timeout)
      throws IOException {
    String program = postmaster.program().getFileName().toString();
    Path pgCtl = postmaster.program().resolveSibling(program.replace("postgres", "pg_ctl"));
    var command = new ArrayList<String>();
    if (LinuxUtils.isUnshareAvailable()) {
      command.addAll(List.of("unshare", "-U"));
    }
    command.addAll(List.of(pgCtl.toString(), "-D", dataDirectory.toString(), "-o", shellWords(postmaster.options()),
        "-w", "-t", String.valueOf(Math.max(1, timeout.toSeconds())), "start"));
    long logEnd = ServerLog.end(log);
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    try {
      if (!process.waitFor(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IOException("pg_ctl start did not return within " + timeout.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting PostgreSQL", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException("pg_ctl start failed (exit " + process.exitValue() + "): "
          + ServerLog.explain(log, logEnd));
    }
  }

  /** pg_ctl hands {@code -o} to {@code /bin/sh}: each option single-quoted. */
  static String shellWords(List<String> words) {
    return words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
  }
}
