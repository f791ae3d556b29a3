package io.junctionmq.transport.http;

import io.junctionmq.model.QueueStats;
import java.util.HashMap;
import java.util.Map;

/**
 * Message rates between two looks at every queue's counters: what the queues counted since the
 * last look, per second, summed. A queue seen for the first time, or whose counters went back
 * (it started again on this node), adds nothing that look. Called by one ticker, never concurrently.
 */
final class TickRates {
  private Map<Long, QueueStats> last = Map.of();
  private long lastAt;
  private boolean started;

  /** Rates per second of publish, deliver_get, ack and redeliver since the last call; zeros on the first. */
  double[] next(long nanos, Map<Long, QueueStats> now) {
    long[] delta = new long[4];
    now.forEach((id, s) -> {
      QueueStats p = last.get(id);
      if (p != null && s.published() >= p.published() && s.delivered() >= p.delivered()
          && s.acknowledged() >= p.acknowledged() && s.redelivered() >= p.redelivered()) {
        delta[0] += s.published() - p.published();
        delta[1] += s.delivered() - p.delivered();
        delta[2] += s.acknowledged() - p.acknowledged();
        delta[3] += s.redelivered() - p.redelivered();
      }
    });
    double secs = (nanos - lastAt) / 1e9;
    boolean first = !started;
    started = true;
    last = new HashMap<>(now);
    lastAt = nanos;
    double[] rates = new double[4];
    if (!first && secs > 0) {
      for (int i = 0; i < 4; i++) {
        rates[i] = delta[i] / secs;
      }
    }
    return rates;
  }
}
