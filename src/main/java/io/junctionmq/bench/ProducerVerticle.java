package io.junctionmq.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.Arrays;
import java.util.List;

/**
 * One producer on its own context: keeps up to {@code window} publishes awaiting confirms,
 * spreads them over its routing keys round-robin and, with a rate, holds to it. It never
 * waits: each confirm (or a timer, when the rate holds it back) publishes the next.
 */
final class ProducerVerticle extends VerticleBase {
  private static final long BACKOFF_MS = 10;
  private static final long STOP_TIMEOUT_MS = 10_000;
  private static final long MAX_LAG_NANOS = 100_000_000;

  private final BenchTarget target;
  private final Stats stats;
  private final LatencyClock clock;
  private final String exchange;
  private final List<String> routingKeys;
  private final boolean persistent;
  private final int window;
  private final double rate;
  private final byte[] template;
  private int next;
  private int inFlight;
  private long issued;
  private long startNanos;
  private boolean running;
  private boolean waiting;
  private Promise<Void> stopped;

  /**
   * @param routingKeys used in turn, starting at {@code first}
   * @param rate messages per second of this producer, or 0 for as fast as confirms allow
   * @param template the body to copy for each message (its first 8 bytes carry the time)
   */
  ProducerVerticle(BenchTarget target, Stats stats, LatencyClock clock, String exchange, List<String> routingKeys,
                   int first, boolean persistent, int window, double rate, byte[] template) {
    this.target = target;
    this.stats = stats;
    this.clock = clock;
    this.exchange = exchange;
    this.routingKeys = List.copyOf(routingKeys);
    this.next = first % routingKeys.size();
    this.persistent = persistent;
    this.window = window;
    this.rate = rate;
    this.template = template;
  }

  @Override
  public Future<?> start() {
    running = true;
    startNanos = System.nanoTime();
    pump();
    return Future.succeededFuture();
  }

  /** Stops publishing; completes when every publish in flight has its outcome (at most 10 s). */
  @Override
  public Future<?> stop() {
    running = false;
    if (inFlight == 0) {
      return Future.succeededFuture();
    }
    stopped = Promise.promise();
    vertx.setTimer(STOP_TIMEOUT_MS, t -> stopped.tryComplete());
    return stopped.future();
  }

  private void pump() {
    while (running && !waiting && inFlight < window) {
      if (rate > 0) {
        long early = startNanos + (long) (issued * 1e9 / rate) - System.nanoTime();
        if (early > 0) {
          pause(Math.max(1, early / 1_000_000));
          return;
        }
        // A producer held back (a slow broker, a busy machine) catches up at most this much,
        // so a stall does not turn into a burst that breaks the rate.
        if (-early > MAX_LAG_NANOS) {
          startNanos += -early - MAX_LAG_NANOS;
        }
      }
      publish();
    }
  }

  private void publish() {
    byte[] body = Arrays.copyOf(template, template.length);
    clock.stamp(body);
    String key = routingKeys.get(next);
    next = next + 1 == routingKeys.size() ? 0 : next + 1;
    issued++;
    inFlight++;
    target.publish(exchange, key, body, persistent).onComplete(this::confirmed);
  }

  private void confirmed(AsyncResult<Void> ar) {
    inFlight--;
    if (ar.succeeded()) {
      stats.published();
    } else {
      stats.publishFailed();
      // A failing broker answers at once: back off instead of spinning on the event loop.
      pause(BACKOFF_MS);
    }
    if (!running) {
      if (inFlight == 0 && stopped != null) {
        stopped.tryComplete();
      }
      return;
    }
    pump();
  }

  private void pause(long ms) {
    if (waiting) {
      return;
    }
    waiting = true;
    vertx.setTimer(ms, t -> {
      waiting = false;
      pump();
    });
  }
}
