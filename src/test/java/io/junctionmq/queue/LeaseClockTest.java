package io.junctionmq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeaseClockTest {
  /** The time the clocks under test read, moved by hand rather than by sleeping. */
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private LeaseClock clock(long nanos) {
    return new LeaseClock(nanos, now::get);
  }

  private void pass(long millis) {
    now.addAndGet(millis * 1_000_000L);
  }

  @Test
  void runsOutAfterItsWindowAndARenewalExtendsIt() {
    var clock = clock(20_000_000L);
    assertTrue(clock.valid());
    pass(40);
    assertFalse(clock.valid(), "past the window, as after a pause");
    clock.renewed(now.get(), 1_000_000_000L);
    assertTrue(clock.valid());
  }

  @Test
  void aRenewalSentBeforeAPauseDoesNotCountFromWhenItCameBack() {
    var clock = clock(10_000_000L);
    long sentAt = now.get();
    pass(40);
    clock.renewed(sentAt, 20_000_000L);
    assertFalse(clock.valid(), "valid from when the renewal was sent, not from its answer");
  }

  @Test
  void aClockThatRanOutIsSteadyAgainOnlyAWhileAfterTheNextRenewal() {
    var clock = clock(20_000_000L);
    assertTrue(clock.steadyFor(1_000_000_000L), "a clock that never ran out is steady");
    pass(40);
    clock.renewed(now.get(), 20_000_000L);
    assertTrue(clock.steadyFor(1_000_000_000L), "the first renewal, late after a slow start, is no pause");
    pass(40);
    assertFalse(clock.steadyFor(0), "run out, as after a pause");
    clock.renewed(now.get(), 1_000_000_000L);
    assertTrue(clock.valid());
    assertFalse(clock.steadyFor(30_000_000L), "valid again, but not yet for long");
    pass(40);
    assertTrue(clock.steadyFor(30_000_000L));
    clock.renewed(now.get(), 1_000_000_000L);
    assertTrue(clock.steadyFor(30_000_000L), "a renewal in time keeps it steady");
  }

  @Test
  void waitersRunAfterTheNextRenewalWhichTheyAskFor() {
    var clock = clock(0);
    var renewals = new AtomicInteger();
    var ran = new AtomicInteger();
    clock.renewWith(renewals::incrementAndGet);
    clock.whenRenewed(ran::incrementAndGet);
    clock.whenRenewed(ran::incrementAndGet);
    assertEquals(2, renewals.get(), "each waiter asks for a renewal");
    assertEquals(0, ran.get());
    clock.renewed(now.get(), 1_000_000_000L);
    assertEquals(2, ran.get());
    clock.renewed(now.get(), 1_000_000_000L);
    assertEquals(2, ran.get(), "once each");
  }
}
