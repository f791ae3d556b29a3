package io.junctionmq.transport.http;

import io.junctionmq.model.QueueStats;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Message rates per queue, computed without a timer: the counters a queue already keeps are
 * sampled when a queue is shown, at most once per {@link #INTERVAL_NANOS}, and a rate is the
 * difference between the last two samples over their interval. A queue never shown has rate 0.
 */
final class Rates {
  static final long INTERVAL_NANOS = 5_000_000_000L;

  private record Sample(long at, QueueStats stats, double publish, double deliver, double ack, double redeliver) {
  }

  private final Map<Long, Sample> samples = new ConcurrentHashMap<>();

  /** RabbitMQ's {@code message_stats} for the queue with store id {@code queueId}. */
  JsonObject messageStats(long queueId, QueueStats now) {
    long t = System.nanoTime();
    Sample s = samples.compute(queueId, (id, last) -> {
      if (last == null) {
        return new Sample(t, now, 0, 0, 0, 0);
      }
      long dt = t - last.at;
      if (dt < INTERVAL_NANOS) {
        return last;
      }
      double secs = dt / 1e9;
      QueueStats p = last.stats;
      return new Sample(t, now, (now.published() - p.published()) / secs, (now.delivered() - p.delivered()) / secs,
          (now.acknowledged() - p.acknowledged()) / secs, (now.redelivered() - p.redelivered()) / secs);
    });
    return stats(now.published(), s.publish, now.delivered(), s.deliver, now.acknowledged(), s.ack,
        now.redelivered(), s.redeliver);
  }

  void forget(long queueId) {
    samples.remove(queueId);
  }

  static JsonObject stats(long publish, double publishRate, long deliver, double deliverRate, long ack,
                          double ackRate, long redeliver, double redeliverRate) {
    return new JsonObject()
        .put("publish", publish).put("publish_details", rate(publishRate))
        .put("deliver_get", deliver).put("deliver_get_details", rate(deliverRate))
        .put("ack", ack).put("ack_details", rate(ackRate))
        .put("redeliver", redeliver).put("redeliver_details", rate(redeliverRate));
  }

  private static JsonObject rate(double r) {
    return new JsonObject().put("rate", Math.round(r * 10) / 10.0);
  }
}
