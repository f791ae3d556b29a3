package io.junctionmq.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What a process id is to a data directory (its postmaster, or anything else), and the
 * signals that stop a postmaster. A process is taken for a data directory's postmaster only
 * when its command line says so: a {@code postgres} program started with {@code -D} and that
 * directory. Every method blocks briefly: call them off the event loop.
 */
final class Postmasters {
  /** What {@link #inspect} found. */
  enum Kind {
    /** No such process. */
    GONE,
    /** It has exited and waits to be reaped (a zombie): gone, although its PID still answers signals. */
    EXITED,
    /** The postmaster of the data directory. */
    POSTMASTER,
    /** Another program, or PostgreSQL on another data directory. */
    OTHER,
    /** Alive, but its command line cannot be read (another user's process, say). */
    UNREADABLE
  }

  private static final long POLL_MILLIS = 20;

  private Postmasters() {
  }

  /** What the process {@code pid} is to {@code dataDirectory}. */
  static Kind inspect(long pid, Path dataDirectory) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty() || !handle.get().isAlive()) {
      return Kind.GONE;
    }
    if (zombie(pid)) {
      return Kind.EXITED;
    }
    ProcessHandle.Info info = handle.get().info();
    if (info.command().isEmpty() || info.arguments().isEmpty()) {
      // One that exited between the two looks loses its command line first.
      return !handle.get().isAlive() ? Kind.GONE : zombie(pid) ? Kind.EXITED : Kind.UNREADABLE;
    }
    return isPostmasterOf(info.command().get(), List.of(info.arguments().get()), dataDirectory)
        ? Kind.POSTMASTER : Kind.OTHER;
  }

  /** Whether a process with this command and arguments is a PostgreSQL server on {@code dataDirectory}. */
  static boolean isPostmasterOf(String command, List<String> arguments, Path dataDirectory) {
    String program = Path.of(command).getFileName().toString();
    if (!program.equals("postgres") && !program.equals("postgres.exe")) {
      return false;
    }
    int d = arguments.indexOf("-D");
    return d >= 0 && d + 1 < arguments.size() && sameDirectory(arguments.get(d + 1), dataDirectory);
  }

  /** Whether the path {@code given} (as a process or a lock file names it) is {@code dataDirectory}. */
  static boolean sameDirectory(String given, Path dataDirectory) {
    try {
      Path path = Path.of(given).toAbsolutePath().normalize();
      if (path.equals(dataDirectory.toAbsolutePath().normalize())) {
        return true;
      }
      return Files.exists(path) && Files.isSameFile(path, dataDirectory);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The postmaster's arguments but {@code -D} and its directory: what {@code pg_ctl -o} takes to
   * start it again the same way. Empty when its command line cannot be read.
   */
  static Optional<Command> command(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::info)
        .filter(info -> info.command().isPresent() && info.arguments().isPresent())
        .map(info -> Command.of(Path.of(info.command().get()), Arrays.asList(info.arguments().get())));
  }

  /** A postmaster's program and its options ({@code -D} and the directory left out). */
  record Command(Path program, List<String> options) {
    static Command of(Path program, List<String> arguments) {
      int d = arguments.indexOf("-D");
      if (d < 0 || d + 1 >= arguments.size()) {
        return new Command(program, List.copyOf(arguments));
      }
      var options = new java.util.ArrayList<>(arguments.subList(0, d));
      options.addAll(arguments.subList(d + 2, arguments.size()));
      return new Command(program, List.copyOf(options));
    }
  }

  /**
   * Sends {@code signal} ({@code INT}: fast shutdown, {@code QUIT}: immediate shutdown) to
   * {@code pid}, only if it is still the postmaster of {@code dataDirectory}; returns whether it did.
   */
  static boolean signal(long pid, Path dataDirectory, String signal) throws IOException {
    if (inspect(pid, dataDirectory) != Kind.POSTMASTER) {
      return false;
    }
    // The shell's kill: java.lang.Process sends TERM and KILL only, and not every image has /bin/kill.
    Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " \"$1\"", "kill", String.valueOf(pid))
        .redirectErrorStream(true).start();
    try {
      if (!kill.waitFor(5, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IOException("kill -s " + signal + " " + pid + " did not return within 5 s");
      }
      return kill.exitValue() == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while signalling " + pid, e);
    }
  }

  /**
   * Waits up to {@code timeout} until {@code pid} is no longer the postmaster of
   * {@code dataDirectory}; returns whether it went.
   */
  static boolean awaitGone(long pid, Path dataDirectory, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inspect(pid, dataDirectory) == Kind.POSTMASTER) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for PostgreSQL (pid " + pid + ") to stop", e);
      }
    }
    return true;
  }

  /**
   * Stops the postmaster {@code pid} of {@code dataDirectory}: a fast shutdown (sessions are
   * ended, a checkpoint written) for up to {@code fast}, then an immediate one (the next start
   * recovers from the WAL) for up to {@code immediate}. Never signals any other process.
   *
   * @return how it stopped: {@code fast}, {@code immediate}, or {@code gone} when it was not running
   * @throws IOException when it still runs after both
   */
  static String stop(long pid, Path dataDirectory, Duration fast, Duration immediate) throws IOException {
    if (!signal(pid, dataDirectory, "INT")) {
      return "gone";
    }
    if (awaitGone(pid, dataDirectory, fast)) {
      return "fast";
    }
    signal(pid, dataDirectory, "QUIT");
    if (awaitGone(pid, dataDirectory, immediate)) {
      return "immediate";
    }
    throw new IOException("PostgreSQL (pid " + pid + ") on " + dataDirectory + " did not stop within "
        + fast.plus(immediate).toSeconds() + " s");
  }

  /** Whether {@code pid} has exited and waits to be reaped; false where there is no {@code /proc}. */
  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"), StandardCharsets.UTF_8);
      // "pid (comm) state ...": comm may hold spaces and parentheses, the state follows the last ')'.
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
