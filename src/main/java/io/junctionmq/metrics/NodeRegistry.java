package io.junctionmq.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.micrometer.impl.MicrometerMetrics;

/**
 * The Prometheus registry a node's meters go to: the one Vert.x reports its own metrics to,
 * when its Vert.x runs vertx-micrometer-metrics with a Prometheus registry ({@link VertxMeters});
 * otherwise (a Vert.x built without metrics, as in tests or an embedding application) one of
 * the node's own, with the JVM's memory, GC, thread, class-loading and CPU meters bound to it.
 */
final class NodeRegistry {
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  private NodeRegistry(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
    this.registry = registry;
    this.gc = gc;
  }

  static NodeRegistry of(Vertx vertx) {
    PrometheusMeterRegistry shared = vertxRegistry(vertx);
    if (shared != null) {
      return new NodeRegistry(shared, null);
    }
    var own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(own);
    new JvmMemoryMetrics().bindTo(own);
    new JvmThreadMetrics().bindTo(own);
    new ProcessorMetrics().bindTo(own);
    new UptimeMetrics().bindTo(own);
    var gc = new JvmGcMetrics();
    gc.bindTo(own);
    return new NodeRegistry(own, gc);
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Whether the registry is Vert.x's, so that its metrics are scraped too. */
  boolean shared() {
    return gc == null;
  }

  /** Closes a registry of the node's own; Vert.x closes its registry itself. */
  void close() {
    if (gc != null) {
      gc.close();
      registry.close();
    }
  }

  /**
   * The Prometheus registry of {@code vertx}'s Micrometer metrics, or null. Vert.x exposes it
   * only through its metrics SPI implementation (an impl package), hence the cast.
   */
  private static PrometheusMeterRegistry vertxRegistry(Vertx vertx) {
    if (!vertx.isMetricsEnabled() || !(((VertxInternal) vertx).metrics() instanceof MicrometerMetrics m)) {
      return null;
    }
    return prometheus(m.registry());
  }

  private static PrometheusMeterRegistry prometheus(MeterRegistry registry) {
    if (registry instanceof PrometheusMeterRegistry p) {
      return p;
    }
    if (registry instanceof CompositeMeterRegistry composite) {
      for (MeterRegistry r : composite.getRegistries()) {
        PrometheusMeterRegistry p = prometheus(r);
        if (p != null) {
          return p;
        }
      }
    }
    return null;
  }
}
