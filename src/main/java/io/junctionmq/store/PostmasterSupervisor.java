package io.junctionmq.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded postmaster running while the broker runs: every {@value #POLL_MILLIS} ms
 * it looks whether the postmaster is still there, and when it is not (killed, crashed) starts it
 * again on the same data directory and port, with up to {@value #MAX_ATTEMPTS} attempts and a
 * growing pause between them, then gives up. Meanwhile {@link #outage()} says what happened,
 * for {@code /ready}. It owns the {@link Watchdog} of the running postmaster. All of its work
 * runs on one thread of its own, where blocking is allowed.
 */
final class PostmasterSupervisor {
  private static final Logger log = LoggerFactory.getLogger(PostmasterSupervisor.class);
  static final long POLL_MILLIS = 200;
  static final int MAX_ATTEMPTS = 8;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  /** The postmaster's state as the supervisor sees it. */
  private sealed interface State {
    /** Running as {@code pid}, watched by {@code watchdog} (null where there is none). */
    record Up(long pid, Watchdog watchdog) implements State {
    }

    /** {@code pid} exited at {@code since} (nanoTime); {@code attempts} restarts failed so far. */
    record Down(long pid, long since, int attempts, String lastError) implements State {
    }

    /** Every restart failed; nothing more is tried. */
    record GaveUp(long pid, int attempts, String lastError) implements State {
    }

    /** The server is being stopped on purpose. */
    record Closed(long pid, Watchdog watchdog) implements State {
    }
  }

  private final Path dataDirectory;
  private final Path serverLog;
  private final int port;
  private final Optional<Postmasters.Command> command;
  private final Duration startTimeout;
  private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "postgres-supervisor");
    t.setDaemon(true);
    return t;
  });
  private volatile State state;

  /**
   * Supervises the postmaster {@code pid} of {@code dataDirectory}, listening on {@code port};
   * it is started again with {@code command}, or not at all when that is empty.
   */
  PostmasterSupervisor(Path dataDirectory, Path serverLog, int port, long pid, Optional<Postmasters.Command> command,
                       Duration startTimeout) {
    this.dataDirectory = dataDirectory;
    this.serverLog = serverLog;
    this.port = port;
    this.command = command;
    this.startTimeout = startTimeout;
    this.state = new State.Up(pid, watchdog(pid));
    // Once stopping, a restart waiting for its turn is dropped rather than waited for.
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.scheduleWithFixedDelay(this::pollSafely, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Why the embedded server cannot be used now; empty while it runs. */
  Optional<String> outage() {
    State s = state;
    if (s instanceof State.Down d) {
      return Optional.of("the embedded PostgreSQL (pid " + d.pid() + ") exited; restarting it (attempt "
          + (d.attempts() + 1) + " of " + MAX_ATTEMPTS + ")"
          + (d.lastError() == null ? "" : "; last attempt: " + d.lastError()));
    }
    if (s instanceof State.GaveUp g) {
      return Optional.of("the embedded PostgreSQL (pid " + g.pid() + ") exited and could not be restarted after "
          + g.attempts() + " attempts (" + g.lastError() + "); restart the node");
    }
    return Optional.empty();
  }

  /** The PID of the postmaster started last. */
  long pid() {
    State s = state;
    if (s instanceof State.Up u) {
      return u.pid();
    }
    if (s instanceof State.Down d) {
      return d.pid();
    }
    return s instanceof State.GaveUp g ? g.pid() : ((State.Closed) s).pid();
  }

  /**
   * Stops supervising, so that stopping the server is not taken for a crash: waits for a
   * restart in flight to end (at most its timeout), then runs no more.
   */
  void stop() {
    executor.execute(() -> {
      State s = state;
      state = new State.Closed(pid(), s instanceof State.Up u ? u.watchdog() : null);
    });
    executor.shutdown();
    try {
      if (!executor.awaitTermination(startTimeout.toSeconds() + 10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }

  /** Ends the watchdog, once the server is stopped. */
  void closeWatchdog() {
    if (state instanceof State.Closed c && c.watchdog() != null) {
      c.watchdog().close();
    }
  }

  /** A periodic task that throws is never run again: whatever goes wrong, the next look still comes. */
  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      log.warn("supervising the embedded PostgreSQL: {}", e.toString());
    }
  }

  private void poll() {
    if (!(state instanceof State.Up up)
        || Postmasters.inspect(up.pid(), dataDirectory) == Postmasters.Kind.POSTMASTER) {
      return;
    }
    if (up.watchdog() != null) {
      up.watchdog().close();
    }
    log.atWarn().addKeyValue("event", "postgres.exited").addKeyValue("pid", up.pid()).addKeyValue("port", port)
        .addKeyValue("data_dir", dataDirectory)
        .log("the embedded PostgreSQL (pid {}) exited; restarting it", up.pid());
    state = new State.Down(up.pid(), System.nanoTime(), 0, null);
    if (command.isEmpty()) {
      giveUp(new State.Down(up.pid(), System.nanoTime(), 0, "its command line could not be read"));
      return;
    }
    restart();
  }

  /** One attempt to start the postmaster again; schedules the next one when it fails. */
  private void restart() {
    if (!(state instanceof State.Down down)) {
      return;
    }
    int attempt = down.attempts() + 1;
    try {
      LeftoverServer.Outcome leftover = LeftoverServer.clear(dataDirectory, PostgresServer.FAST_STOP,
          PostgresServer.IMMEDIATE_STOP);
      PostgresServer.logLeftover(leftover, dataDirectory);
      PgCtl.start(command.get(), dataDirectory, serverLog, startTimeout);
      long pid = PostmasterPid.read(dataDirectory).orElseThrow(() -> new IOException("no postmaster.pid after start"))
          .pid();
      state = new State.Up(pid, watchdog(pid));
      log.atInfo().addKeyValue("event", "postgres.restarted").addKeyValue("pid", pid).addKeyValue("port", port)
          .addKeyValue("attempt", attempt).addKeyValue("down_ms", (System.nanoTime() - down.since()) / 1_000_000)
          .log("the embedded PostgreSQL is running again as pid {}", pid);
    } catch (IOException | RuntimeException e) {
      var failed = new State.Down(down.pid(), down.since(), attempt, String.valueOf(e.getMessage()));
      if (attempt >= MAX_ATTEMPTS) {
        giveUp(failed);
        return;
      }
      long backoff = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(attempt - 1, 10));
      state = failed;
      log.atWarn().addKeyValue("event", "postgres.restart.failed").addKeyValue("attempt", attempt)
          .addKeyValue("next_in_ms", backoff).addKeyValue("error", e.getMessage())
          .log("restarting the embedded PostgreSQL failed (attempt {} of {})", attempt, MAX_ATTEMPTS);
      executor.schedule(this::restart, backoff, TimeUnit.MILLISECONDS);
    }
  }

  private void giveUp(State.Down failed) {
    state = new State.GaveUp(failed.pid(), failed.attempts(), failed.lastError());
    log.atError().addKeyValue("event", "postgres.restart.gave-up").addKeyValue("attempts", failed.attempts())
        .addKeyValue("data_dir", dataDirectory).addKeyValue("error", failed.lastError())
        .log("the embedded PostgreSQL could not be restarted; the broker cannot store messages until the node is"
            + " restarted");
  }

  private Watchdog watchdog(long pid) {
    try {
      return Watchdog.start(pid, dataDirectory).orElse(null);
    } catch (IOException e) {
      log.atWarn().addKeyValue("event", "postgres.watchdog.failed").addKeyValue("error", e.getMessage())
          .log("no watchdog for the embedded PostgreSQL: it outlives this process if this process is killed");
      return null;
    }
  }
}
