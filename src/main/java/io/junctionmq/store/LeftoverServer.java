package io.junctionmq.store;

import io.junctionmq.store.Postmasters.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What an embedded PostgreSQL that was not stopped cleanly left in its data directory, dealt
 * with before a new server starts there. Its lock file ({@code postmaster.pid}) says which
 * process held the directory: if that process is still this directory's postmaster (orphaned
 * by a broker killed with {@code kill -9}), it is stopped; if it is a process that exited but
 * was not reaped, or another program that got the PID since, the lock file is removed, since
 * PostgreSQL would refuse to start while its PID answers signals; if the process is gone,
 * PostgreSQL itself removes the file. No other process is ever signalled. The caller holds the
 * directory's {@link DataDirectoryLock}, so no live broker owns what is found.
 */
final class LeftoverServer {
  /** What {@link #clear} found and did. */
  sealed interface Outcome {
    /** No lock file: the last server stopped cleanly, or none ever ran. */
    record Clean() implements Outcome {
    }

    /** A lock file whose process is no postmaster of the directory; {@code removed} when this removed it. */
    record StaleLock(long pid, String why, boolean removed) implements Outcome {
    }

    /** A server still running on the directory, stopped: {@code how} is {@code fast} or {@code immediate}. */
    record Stopped(long pid, int port, String how, long millis) implements Outcome {
    }
  }

  private LeftoverServer() {
  }

  /**
   * Leaves {@code dataDirectory} free for a new server; waits at most {@code fast} plus
   * {@code immediate} for a leftover server to stop.
   *
   * @throws IOException when a leftover server does not stop, or when the lock file names a
   *     live process whose command line cannot be read (it could be the postmaster)
   */
  static Outcome clear(Path dataDirectory, Duration fast, Duration immediate) throws IOException {
    Optional<PostmasterPid> lock;
    try {
      lock = PostmasterPid.read(dataDirectory);
    } catch (IllegalArgumentException torn) {
      return clearTorn(dataDirectory, torn.getMessage(), fast, immediate);
    }
    if (lock.isEmpty()) {
      return new Outcome.Clean();
    }
    PostmasterPid found = lock.get();
    long pid = found.pid();
    String names = "its lock file names pid " + pid + ", which ";
    return switch (Postmasters.inspect(pid, dataDirectory)) {
      case GONE -> new Outcome.StaleLock(pid, names + "is gone", false);
      case EXITED -> removed(dataDirectory, pid, names + "has exited but was not reaped yet");
      case OTHER -> removed(dataDirectory, pid, names + "is another program now ("
          + ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElse("?") + ")"
          + (found.dataDirectory().isEmpty() || Postmasters.sameDirectory(found.dataDirectory(), dataDirectory) ? ""
              : "; the lock file was written for " + found.dataDirectory() + ": a copied data directory?"));
      case UNREADABLE -> throw new IOException(dataDirectory.resolve(PostmasterPid.FILE) + " names process " + pid
          + ", which runs but whose command line cannot be read; stop PostgreSQL on " + dataDirectory
          + " if it runs, or remove that file");
      case POSTMASTER -> stopped(dataDirectory, pid, found.port(), fast, immediate);
    };
  }

  /** A lock file with no PID in it: torn by a crash, unless a server is writing it; the processes say which. */
  private static Outcome clearTorn(Path dataDirectory, String why, Duration fast, Duration immediate)
      throws IOException {
    List<Long> running = ProcessHandle.allProcesses()
        .filter(p -> Postmasters.inspect(p.pid(), dataDirectory) == Kind.POSTMASTER)
        .map(ProcessHandle::pid).toList();
    if (running.isEmpty()) {
      Files.deleteIfExists(dataDirectory.resolve(PostmasterPid.FILE));
      return new Outcome.StaleLock(-1, why, true);
    }
    return stopped(dataDirectory, running.get(0), -1, fast, immediate);
  }

  private static Outcome removed(Path dataDirectory, long pid, String why) throws IOException {
    Files.deleteIfExists(dataDirectory.resolve(PostmasterPid.FILE));
    return new Outcome.StaleLock(pid, why, true);
  }

  private static Outcome stopped(Path dataDirectory, long pid, int port, Duration fast, Duration immediate)
      throws IOException {
    long started = System.nanoTime();
    String how = Postmasters.stop(pid, dataDirectory, fast, immediate);
    return new Outcome.Stopped(pid, port, how, (System.nanoTime() - started) / 1_000_000);
  }
}
