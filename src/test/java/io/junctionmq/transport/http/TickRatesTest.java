package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.junctionmq.model.QueueStats;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TickRatesTest {
  static final long SECOND = 1_000_000_000L;

  static QueueStats counted(long published, long delivered, long acked, long redelivered) {
    return new QueueStats(0, 0, 0, 0, published, delivered, acked, redelivered, 0, 0, 0);
  }

  @Test
  void theFirstLookHasNoRates() {
    assertArrayEquals(new double[4], new TickRates().next(5 * SECOND, Map.of(1L, counted(100, 50, 40, 1))));
  }

  @Test
  void ratesAreWhatTheQueuesCountedSinceTheLastLookPerSecond() {
    var rates = new TickRates();
    rates.next(0, Map.of(1L, counted(100, 50, 40, 1), 2L, counted(10, 0, 0, 0)));
    assertArrayEquals(new double[] {15, 5, 4, 0.5},
        rates.next(2 * SECOND, Map.of(1L, counted(120, 55, 48, 2), 2L, counted(20, 5, 0, 0))), 1e-9);
  }

  @Test
  void aNewQueueOrOneWhoseCountersWentBackAddsNothingThatLook() {
    var rates = new TickRates();
    rates.next(0, Map.of(1L, counted(100, 0, 0, 0)));
    assertArrayEquals(new double[4], rates.next(SECOND, Map.of(1L, counted(3, 0, 0, 0), 2L, counted(50, 0, 0, 0))));
    assertArrayEquals(new double[] {7, 0, 0, 0}, rates.next(2 * SECOND, Map.of(1L, counted(5, 0, 0, 0),
        2L, counted(55, 0, 0, 0))), 1e-9);
  }
}
