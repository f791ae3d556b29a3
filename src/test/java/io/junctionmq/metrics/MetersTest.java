package io.junctionmq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.broker.QueueInfo;
import io.junctionmq.model.Queue;
import io.junctionmq.queue.QueueLimits;
import io.junctionmq.model.QueueStats;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every meter in {@link Meters} is exposed under the names it says, and with no others. */
class MetersTest {

  /** A scrape of a node's metrics with two queues (one folded), each meter recorded once. */
  static String scrape() {
    Vertx vertx = Vertx.vertx();
    try {
      var metrics = JunctionMetrics.create(vertx, QueueLimits.DEFAULT, 1);
      metrics.bind(new MetricSources() {
        @Override
        public List<QueueInfo> ownedQueues() {
          var s = new QueueStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
          return List.of(new QueueInfo(Queue.durable("/", "a"), 1, "n", s),
              new QueueInfo(Queue.durable("/", "b"), 2, "n", s));
        }

        @Override
        public Map<String, Integer> connections() {
          return Map.of("ws", 1);
        }

        @Override
        public int clusterMembers() {
          return 1;
        }
      });
      metrics.latency().confirmed(1_000_000);
      metrics.latency().delivered(2_000_000);
      metrics.store().batch(10, 3_000_000, true);
      metrics.store().batch(10, 3_000_000, false);
      metrics.store().readFailed();
      String text = metrics.scrape().await().toString();
      metrics.close();
      return text;
    } finally {
      vertx.close().await();
    }
  }

  /** The metric names of the samples of a Prometheus text exposition. */
  static Set<String> sampleNames(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
        names.add(line.substring(0, end));
      }
    }
    return names;
  }

  @Test
  void everyMeterIsExposedUnderTheNamesItSays() {
    Set<String> exposed = sampleNames(scrape());

    Set<String> junction = new TreeSet<>();
    exposed.stream().filter(n -> n.startsWith("junction_")).forEach(junction::add);
    Set<String> said = new TreeSet<>();
    Meters.ALL.forEach(m -> said.addAll(m.exposed()));
    assertEquals(said, junction);
  }

  @Test
  void jvmMetricsAreExposedWhenVertxHasNone() {
    Set<String> exposed = sampleNames(scrape());

    assertTrue(exposed.containsAll(List.of("jvm_memory_used_bytes", "jvm_threads_live_threads",
        "jvm_gc_memory_allocated_bytes_total")), exposed.toString());
  }

  @Test
  void meterNamesAreUniqueAndTagsAreBounded() {
    Set<String> names = new HashSet<>();
    for (Meters.Meter m : Meters.ALL) {
      assertTrue(names.add(m.name()), m.name());
      assertTrue(Set.of(Meters.TAG_VHOST, Meters.TAG_QUEUE, Meters.TAG_TRANSPORT, Meters.TAG_OPERATION,
          Meters.TAG_RESULT, Meters.TAG_PERMISSION).containsAll(m.tags()), m.toString());
    }
  }
}
