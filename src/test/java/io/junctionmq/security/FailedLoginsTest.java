package io.junctionmq.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailedLoginsTest {
  private static final long WINDOW_MS = 60_000;
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final FailedLogins failed = new FailedLogins(3, WINDOW_MS, now::get);

  private void advanceMillis(long ms) {
    now.addAndGet(ms * 1_000_000);
  }

  @Test
  void theFailureThatReachesTheLimitBlocksTheAddressForOneWindow() {
    assertFalse(failed.failed("10.0.0.1"));
    assertFalse(failed.failed("10.0.0.1"));
    assertEquals(0, failed.blockedFor("10.0.0.1"));
    assertTrue(failed.failed("10.0.0.1"), "the third failure blocks");
    assertEquals(WINDOW_MS, failed.blockedFor("10.0.0.1"));
    advanceMillis(WINDOW_MS - 1);
    assertEquals(1, failed.blockedFor("10.0.0.1"));
    advanceMillis(1);
    assertEquals(0, failed.blockedFor("10.0.0.1"), "the block lifts after the window");
  }

  @Test
  void otherAddressesAreNotBlocked() {
    for (int i = 0; i < 3; i++) {
      failed.failed("10.0.0.1");
    }
    assertEquals(0, failed.blockedFor("10.0.0.2"));
    assertFalse(failed.failed("10.0.0.2"));
  }

  @Test
  void failuresSpreadOverMoreThanAWindowNeverBlock() {
    for (int i = 0; i < 10; i++) {
      assertFalse(failed.failed("10.0.0.1"));
      assertFalse(failed.failed("10.0.0.1"));
      advanceMillis(WINDOW_MS);
    }
    assertEquals(0, failed.blockedFor("10.0.0.1"));
  }

  @Test
  void failuresWhileBlockedNeitherExtendTheBlockNorBlockAgain() {
    for (int i = 0; i < 3; i++) {
      failed.failed("10.0.0.1");
    }
    advanceMillis(WINDOW_MS / 2);
    assertFalse(failed.failed("10.0.0.1"));
    assertFalse(failed.failed("10.0.0.1"));
    assertFalse(failed.failed("10.0.0.1"));
    advanceMillis(WINDOW_MS / 2);
    assertEquals(0, failed.blockedFor("10.0.0.1"));
    assertFalse(failed.failed("10.0.0.1"), "after the block, the count starts again");
    assertFalse(failed.failed("10.0.0.1"));
    assertTrue(failed.failed("10.0.0.1"));
  }

  @Test
  void noLimitNeverBlocks() {
    var unlimited = new FailedLogins(0, WINDOW_MS, now::get);
    for (int i = 0; i < 1000; i++) {
      assertFalse(unlimited.failed("10.0.0.1"));
    }
    assertEquals(0, unlimited.blockedFor("10.0.0.1"));
    assertEquals(0, unlimited.size());
  }

  @Test
  void addressesWhoseWindowIsOverAreForgotten() {
    failed.failed("10.0.0.1");
    failed.failed("10.0.0.2");
    advanceMillis(WINDOW_MS);
    failed.failed("10.0.0.3");
    assertEquals(1, failed.size());
  }

  @Test
  void atMostMaxAddressesAreRemembered() {
    failed.failed("10.0.0.0");
    failed.failed("10.0.0.0");
    for (int i = 1; i < FailedLogins.MAX_ADDRESSES + 500; i++) {
      failed.failed("10.0." + (i / 256) + "." + (i % 256));
    }
    assertEquals(FailedLogins.MAX_ADDRESSES, failed.size());
    assertFalse(failed.failed("10.0.0.0"), "the least recently failed address was forgotten: its count restarted");
  }

  @Test
  void aNegativeLimitOrAnEmptyWindowIsAProgrammingError() {
    assertThrows(IllegalArgumentException.class, () -> new FailedLogins(-1, WINDOW_MS, now::get));
    assertThrows(IllegalArgumentException.class, () -> new FailedLogins(3, 0, now::get));
  }
}
