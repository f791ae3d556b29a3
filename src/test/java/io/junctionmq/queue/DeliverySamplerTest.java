package io.junctionmq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeliverySamplerTest {
  private static final int N = MessageLatency.SAMPLE_EVERY;

  @Test
  void oneSeqInEveryEightIsTimedFromEnqueueToFirstDelivery() {
    var sampler = new DeliverySampler();
    for (long seq = 1; seq <= 3 * N; seq++) {
      sampler.enqueued(seq, seq * 1000);
    }

    assertEquals(3, sampler.size());
    assertEquals(-1, sampler.delivered(1, 5000));
    assertEquals(500_000 - N * 1000, sampler.delivered(N, 500_000));
    assertEquals(2, sampler.size());
  }

  @Test
  void samplesOfMessagesThatLeftUndeliveredAreForgotten() {
    var sampler = new DeliverySampler();
    for (long seq = 1; seq <= 4 * N; seq++) {
      sampler.enqueued(seq, 0);
    }

    // Seqs N and 2N expired or were purged: the next first delivery is 3N.
    assertEquals(10, sampler.delivered(3 * N, 10));
    assertEquals(1, sampler.size());
  }

  @Test
  void aFullSamplerTakesNoMoreSamplesUntilItDrains() {
    var sampler = new DeliverySampler();
    long seq = 0;
    while (sampler.size() < DeliverySampler.CAPACITY) {
      seq += N;
      sampler.enqueued(seq, seq);
    }
    long next = seq + N;

    assertFalse(sampler.samples(next));
    sampler.enqueued(next, next);
    assertEquals(DeliverySampler.CAPACITY, sampler.size());
    assertEquals(0, sampler.delivered(N, N));
    assertTrue(sampler.samples(next));
  }
}
