package io.junctionmq.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A small child process ({@code /bin/sh}) that stops the embedded postmaster when this JVM
 * dies, however it dies. PostgreSQL has no option to exit with its parent, and could not use
 * one: {@code pg_ctl} starts the postmaster in a session of its own and exits, so its parent is
 * never the JVM. The watchdog instead reads a pipe from the JVM that nothing is ever written
 * to: the kernel closes it when the JVM exits, even on {@code kill -9}, and the watchdog then
 * sends the postmaster a fast shutdown, if {@code postmaster.pid} still names it and its
 * command line names the data directory. It ignores the terminal's signals (Ctrl-C reaches the
 * whole process group), so it outlives the JVM's clean stop, which stops the server itself and
 * then kills the watchdog. It cannot help when it is killed together with the JVM (a signal to
 * the process group, a container's cgroup): the next start then finds the orphaned server
 * through its lock file ({@link LeftoverServer}).
 */
final class Watchdog implements AutoCloseable {
  private static final Path SHELL = Path.of("/bin/sh");
  static final String SCRIPT = String.join("\n",
      "trap '' INT TERM HUP",
      "while read -r _; do :; done",
      "read -r pid < \"$2/postmaster.pid\" || exit 0",
      "[ \"$pid\" = \"$1\" ] || exit 0",
      "[ ! -e \"/proc/$1/cmdline\" ] || grep -qaF -- \"$2\" \"/proc/$1/cmdline\" || exit 0",
      "kill -s INT \"$1\"");

  private final Process process;

  private Watchdog(Process process) {
    this.process = process;
  }

  /** Watches the postmaster {@code pid} of {@code dataDirectory}; empty where there is no {@code /bin/sh}. */
  static Optional<Watchdog> start(long pid, Path dataDirectory) throws IOException {
    if (!Files.isExecutable(SHELL)) {
      return Optional.empty();
    }
    Process process = new ProcessBuilder(SHELL.toString(), "-c", SCRIPT, "junction-postgres-watchdog",
        String.valueOf(pid), dataDirectory.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    return Optional.of(new Watchdog(process));
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Ends the watchdog without letting it act (KILL, which it cannot ignore): the server is stopped or gone. */
  @Override
  public void close() {
    process.destroyForcibly();
  }
}
