package io.junctionmq.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreProbeTest {
  @Test
  void aKnownOutageIsTheAnswerAtOnceWithoutAQuery() {
    // No pool at all: a probe that queried would fail with a NullPointerException.
    var probe = new StoreProbe(null, Duration.ofSeconds(2), Duration.ofSeconds(1),
        () -> Optional.of("the embedded PostgreSQL (pid 42) exited; restarting it (attempt 1 of 8)"));
    StoreProbe.Result result = probe.probe().result();
    assertFalse(result.reachable());
    assertEquals("the embedded PostgreSQL (pid 42) exited; restarting it (attempt 1 of 8)", result.error());
  }
}
