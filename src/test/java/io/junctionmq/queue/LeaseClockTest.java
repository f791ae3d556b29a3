package io.junctionmq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeaseClockTest {

  @Test
  void runsOutAfterItsWindowAndARenewalExtendsIt() throws InterruptedException {
    var clock = new LeaseClock(20_000_000L);
    assertTrue(clock.valid());
    Thread.sleep(40);
    assertFalse(clock.valid(), "past the window, as after a pause");
    clock.renewed(System.nanoTime(), 1_000_000_000L);
    assertTrue(clock.valid());
  }

  @Test
  void aRenewalSentBeforeAPauseDoesNotCountFromWhenItCameBack() throws InterruptedException {
    var clock = new LeaseClock(10_000_000L);
    long sentAt = System.nanoTime();
    Thread.sleep(40);
    clock.renewed(sentAt, 20_000_000L);
    assertFalse(clock.valid(), "valid from when the renewal was sent, not from its answer");
  }

  @Test
  void aClockThatRanOutIsSteadyAgainOnlyAWhileAfterTheNextRenewal() throws InterruptedException {
    var clock = new LeaseClock(20_000_000L);
    assertTrue(clock.steadyFor(1_000_000_000L), "a clock that never ran out is steady");
    Thread.sleep(40);
    clock.renewed(System.nanoTime(), 20_000_000L);
    assertTrue(clock.steadyFor(1_000_000_000L), "the first renewal, late after a slow start, is no pause");
    Thread.sleep(40);
    assertFalse(clock.steadyFor(0), "run out, as after a pause");
    clock.renewed(System.nanoTime(), 1_000_000_000L);
    assertTrue(clock.valid());
    assertFalse(clock.steadyFor(30_000_000L), "valid again, but not yet for long");
    Thread.sleep(40);
    assertTrue(clock.steadyFor(30_000_000L));
    clock.renewed(System.nanoTime(), 1_000_000_000L);
    assertTrue(clock.steadyFor(30_000_000L), "a renewal in time keeps it steady");
  }

  @Test
  void waitersRunAfterTheNextRenewalWhichTheyAskFor() {
    var clock = new LeaseClock(0);
    var renewals = new AtomicInteger();
    var ran = new AtomicInteger();
    clock.renewWith(renewals::incrementAndGet);
    clock.whenRenewed(ran::incrementAndGet);
    clock.whenRenewed(ran::incrementAndGet);
    assertEquals(2, renewals.get(), "each waiter asks for a renewal");
    assertEquals(0, ran.get());
    clock.renewed(System.nanoTime(), 1_000_000_000L);
    assertEquals(2, ran.get());
    clock.renewed(System.nanoTime(), 1_000_000_000L);
    assertEquals(2, ran.get(), "once each");
  }
}
