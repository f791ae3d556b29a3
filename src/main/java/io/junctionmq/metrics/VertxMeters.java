package io.junctionmq.metrics;

import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns on Vert.x's own metrics (vertx-micrometer-metrics) for a node's Vert.x, reported to a
 * new Prometheus registry with the JVM meters, which the node then serves at {@code /metrics}
 * with its own ({@link NodeRegistry}).
 */
public final class VertxMeters {
  /**
   * Vert.x keys its registries by name across the JVM: each Vert.x gets a name of its own, so
   * that nodes sharing a JVM (tests) do not share meters.
   */
  private static final AtomicInteger REGISTRIES = new AtomicInteger();

  private VertxMeters() {
  }

  /**
   * Sets Micrometer metrics with Prometheus on {@code options} and returns them. The labels
   * are bounded ones only: never the event-bus address (client addresses carry client ids),
   * an HTTP path or a remote address.
   */
  public static VertxOptions enable(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setRegistryName("junction-" + REGISTRIES.incrementAndGet())
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE))
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }
}
