package io.junctionmq.security;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed logins per remote address, against guessing: once an address has {@code max}
 * failures within a window that starts at its first failure, its logins are refused for one
 * window, unchecked. So an address gets at most {@code max - 1} guesses per window, however it
 * spaces them. Memory is bounded: at most {@link #MAX_ADDRESSES} addresses are remembered
 * (past it, the one that failed least recently is forgotten), and an address is forgotten once
 * its window and its block are over. Thread-safe.
 */
final class FailedLogins {
  static final int MAX_ADDRESSES = 10_000;

  private final int max;
  private final long windowNanos;
  private final LongSupplier nanoClock;
  /** In the order they last failed, the eldest first. */
  private final LinkedHashMap<String, Window> byAddress = new LinkedHashMap<>(16, 0.75f, false);

  private static final class Window {
    long startedAt;
    int failures;
    long blockedUntil;
    boolean blocked;
  }

  /** @param max failures per window that block an address; 0: no limit */
  FailedLogins(int max, long windowMillis, LongSupplier nanoClock) {
    if (max < 0 || windowMillis <= 0) {
      throw new IllegalArgumentException("max must be >= 0 and the window > 0");
    }
    this.max = max;
    this.windowNanos = windowMillis * 1_000_000;
    this.nanoClock = nanoClock;
  }

  static FailedLogins none() {
    return new FailedLogins(0, 1, System::nanoTime);
  }

  int max() {
    return max;
  }

  /** How long logins from {@code address} stay blocked, in milliseconds (rounded up); 0 when they are not. */
  synchronized long blockedFor(String address) {
    if (max == 0 || byAddress.isEmpty()) {
      return 0;
    }
    Window w = byAddress.get(address);
    long left = w == null || !w.blocked ? 0 : w.blockedUntil - nanoClock.getAsLong();
    return left <= 0 ? 0 : (left + 999_999) / 1_000_000;
  }

  /**
   * A login from {@code address} failed. Returns true when this failure is the one that blocks
   * the address (the caller logs that once).
   */
  synchronized boolean failed(String address) {
    if (max == 0) {
      return false;
    }
    long now = nanoClock.getAsLong();
    forgetExpired(now);
    Window w = byAddress.remove(address);
    if (w == null || now - w.startedAt >= windowNanos && !(w.blocked && w.blockedUntil - now > 0)) {
      w = new Window();
      w.startedAt = now;
    }
    byAddress.put(address, w);
    if (byAddress.size() > MAX_ADDRESSES) {
      Iterator<String> eldest = byAddress.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
    if (w.blocked) {
      return false;
    }
    w.failures++;
    if (w.failures < max) {
      return false;
    }
    w.blocked = true;
    w.blockedUntil = now + windowNanos;
    // The block is one window from now: the window itself ends with it.
    w.startedAt = now;
    return true;
  }

  /** Addresses remembered now (tests). */
  synchronized int size() {
    return byAddress.size();
  }

  private void forgetExpired(long now) {
    Iterator<Map.Entry<String, Window>> it = byAddress.entrySet().iterator();
    while (it.hasNext()) {
      Window w = it.next().getValue();
      boolean over = now - w.startedAt >= windowNanos && !(w.blocked && w.blockedUntil - now > 0);
      if (!over) {
        return;
      }
      it.remove();
    }
  }
}
