package io.junctionmq.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Whether this node may still act as the owner of its queues: its leases were renewed
 * recently enough that no other node can have taken one over yet. A node that was paused (a
 * long GC, {@code kill -STOP}, a frozen VM) finds, when it runs again, that the monotonic
 * clock is past the end of its leases; its queues then hold their deliveries until a renewal says which
 * queues it still owns, so a queue taken over meanwhile is not delivered from twice.
 */
public final class LeaseClock {
  private final LongSupplier nanoTime;
  private volatile long validUntil;
  /** Since when the clock has been valid without running out (long ago for a node that never ran out). */
  private volatile long steadySince;
  private volatile boolean renewedOnce;
  private final List<Runnable> waiting = new ArrayList<>();
  private volatile Runnable renewNow = () -> { };

  /** Valid for {@code nanos} from now. */
  public LeaseClock(long nanos) {
    this(nanos, System::nanoTime);
  }

  /** Valid for {@code nanos} from now, as {@code nanoTime} tells the time (tests move it by hand). */
  LeaseClock(long nanos, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    long now = nanoTime.getAsLong();
    this.validUntil = now + nanos;
    this.steadySince = now - Long.MAX_VALUE / 4;
  }

  public boolean valid() {
    return nanoTime.getAsLong() - validUntil < 0;
  }

  /** A renewal sent at {@code sentAt} succeeded: valid until {@code sentAt + nanos}. */
  public void renewed(long sentAt, long nanos) {
    long now = nanoTime.getAsLong();
    // Not before the first renewal: a slow start is no pause.
    if (renewedOnce && now - validUntil >= 0) {
      steadySince = now;
    }
    renewedOnce = true;
    validUntil = Math.max(validUntil, sentAt + nanos);
    List<Runnable> ready;
    synchronized (waiting) {
      ready = List.copyOf(waiting);
      waiting.clear();
    }
    ready.forEach(Runnable::run);
  }

  /**
   * Whether the clock is valid and has not run out for at least {@code nanos}. A node back
   * from a pause sees a cluster view that is stale for a while (its members drop the others,
   * then merge back): it must not act on it until then.
   */
  public boolean steadyFor(long nanos) {
    return valid() && nanoTime.getAsLong() - steadySince >= nanos;
  }

  /** Runs {@code task} after the next successful renewal, and asks for one now. */
  public void whenRenewed(Runnable task) {
    synchronized (waiting) {
      waiting.add(task);
    }
    renewNow.run();
  }

  /** How to renew at once (the broker's lease renewal). */
  public void renewWith(Runnable renew) {
    this.renewNow = renew;
  }
}
