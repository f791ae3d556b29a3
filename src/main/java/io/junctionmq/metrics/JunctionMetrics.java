package io.junctionmq.metrics;

import io.junctionmq.broker.QueueInfo;
import io.junctionmq.queue.MessageLatency;
import io.junctionmq.queue.QueueLimits;
import io.junctionmq.security.AuditObserver;
import io.junctionmq.store.StoreObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's metrics, served at {@code GET /metrics} in the Prometheus text format. The latency
 * and store meters are fed as things happen (sampled, or once per write batch); everything
 * else is read from counts the broker keeps anyway, at scrape time, on a worker thread.
 *
 * <pre>{@code
 * var metrics = JunctionMetrics.create(vertx, limits, config.metricsQueueSeriesMax());
 * broker.latency(metrics.latency());                  // store: metrics.store()
 * broker.users().audit().observer(metrics.audit());
 * metrics.bind(new NodeSources(broker, stomp.stats(), membership));
 * metrics.mount(router);
 * }</pre>
 */
public final class JunctionMetrics {
  private static final Logger log = LoggerFactory.getLogger(JunctionMetrics.class);
  public static final String PATH = "/metrics";

  private final Vertx vertx;
  private final NodeRegistry node;
  private final QueueLimits limits;
  private final LatencyMeters latency;
  private final StoreMeters store;
  private final QueueMeters queues;
  private final AuditMeters audit;
  private final List<Meter> nodeMeters = new ArrayList<>();
  private volatile MetricSources sources;
  private volatile Map<String, Integer> connections = Map.of();
  /** The size of the last exposition, so that the next one's buffer need not grow. */
  private int lastSize = 32 * 1024;

  private JunctionMetrics(Vertx vertx, NodeRegistry node, QueueLimits limits, int maxQueueSeries) {
    this.vertx = vertx;
    this.node = node;
    this.limits = limits;
    MeterRegistry registry = node.registry();
    this.latency = new LatencyMeters(registry);
    this.store = new StoreMeters(registry);
    this.queues = new QueueMeters(registry, maxQueueSeries);
    this.audit = new AuditMeters(registry);
    nodeMeters.addAll(latency.meters());
    nodeMeters.addAll(store.meters());
  }

  /**
   * The metrics of a node on {@code vertx}: in Vert.x's Prometheus registry if it has one,
   * else in one of their own. At most {@code maxQueueSeries} queues get series of their own.
   */
  public static JunctionMetrics create(Vertx vertx, QueueLimits limits, int maxQueueSeries) {
    return new JunctionMetrics(vertx, NodeRegistry.of(vertx), limits, maxQueueSeries);
  }

  /** Where the broker and its queues report sampled latencies. */
  public MessageLatency latency() {
    return latency;
  }

  /** Where the PostgreSQL store reports its write batches and failures. */
  public StoreObserver store() {
    return store;
  }

  /** Where logins and refused operations are counted. */
  public AuditObserver audit() {
    return audit;
  }

  public PrometheusMeterRegistry registry() {
    return node.registry();
  }

  /** Registers the node-wide gauges, reading {@code sources}; call once the broker serves. */
  public void bind(MetricSources sources) {
    this.sources = sources;
    gauge(Meters.QUEUES_OWNED, m -> m.queues.owned());
    gauge(Meters.QUEUES_FOLDED, m -> m.queues.folded());
    gauge(Meters.QUEUE_WINDOW_MESSAGES_LIMIT, m -> m.limits.windowMessages());
    gauge(Meters.QUEUE_WINDOW_BYTES_LIMIT, m -> m.limits.windowBytes());
    gauge(Meters.CLUSTER_MEMBERS, m -> m.sources.clusterMembers());
    for (String transport : Meters.TRANSPORTS) {
      Meters.Meter c = Meters.CONNECTIONS;
      nodeMeters.add(Gauge.builder(c.name(), this, m -> m.connections.getOrDefault(transport, 0))
          .description(c.help()).tag(Meters.TAG_TRANSPORT, transport).strongReference(true)
          .register(node.registry()));
    }
  }

  /** Serves {@code GET /metrics} on {@code router} (the root router: not under {@code /api}) to anyone. */
  public void mount(Router router) {
    mount(router, RoutingContext::next);
  }

  /**
   * Serves {@code GET /metrics} on {@code router} to the requests that {@code access} lets
   * through ({@code ctx.next()}); it answers the others itself.
   */
  public void mount(Router router, Handler<RoutingContext> access) {
    router.get(PATH).handler(access).handler(ctx -> scrape().onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader("Content-Type", Meters.CONTENT_TYPE).end(ar.result());
      } else {
        log.warn("scraping the metrics failed", ar.cause());
        ctx.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
            .end("scraping the metrics failed\n");
      }
    }));
  }

  /**
   * Brings the per-queue series up to date and writes every meter of the registry in the
   * Prometheus text format, on a worker thread; completes with the text.
   */
  public Future<Buffer> scrape() {
    return vertx.executeBlocking(this::scrapeNow, false);
  }

  private synchronized Buffer scrapeNow() {
    MetricSources s = sources;
    if (s != null) {
      var owned = new ArrayList<QueueSeries.Owned>();
      for (QueueInfo q : s.ownedQueues()) {
        owned.add(new QueueSeries.Owned(q.id(), q.queue().vhost(), q.queue().name(), q.stats()));
      }
      queues.refresh(owned);
      connections = s.connections();
    }
    Buffer text = Buffer.buffer(lastSize + lastSize / 8);
    try {
      node.registry().scrape(new BufferOutput(text), Meters.CONTENT_TYPE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    lastSize = text.length();
    return text;
  }

  /** Writes into a Vert.x buffer, which goes to the response as it is: no copy. */
  private static final class BufferOutput extends OutputStream {
    private final Buffer buffer;

    BufferOutput(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      buffer.appendBytes(b, off, len);
    }
  }

  /** Removes the node's meters from the registry (which may be Vert.x's and outlive the node). */
  public synchronized void close() {
    queues.close();
    audit.meters().forEach(node.registry()::remove);
    nodeMeters.forEach(node.registry()::remove);
    nodeMeters.clear();
    node.close();
  }

  private void gauge(Meters.Meter m, ToDoubleFunction<JunctionMetrics> value) {
    nodeMeters.add(Gauge.builder(m.name(), this, value).description(m.help()).strongReference(true)
        .register(node.registry()));
  }
}
