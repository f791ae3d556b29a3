package io.junctionmq.metrics;

import java.time.Duration;
import java.util.List;

/**
 * Every Junction meter: its name (Micrometer's dotted form; Prometheus sees dots as
 * underscores, {@code _total} after a counter and {@code _seconds} after a timer), what it
 * is, and its tags. docs/metrics.md describes each; the Grafana dashboard is checked against
 * {@link #ALL}. Tags are bounded: vhost and queue names (at most {@code metrics.queue-series.max}
 * queues, the rest folded into {@link #OTHER}), transports, operations. Never a client,
 * connection, consumer or message id.
 */
public final class Meters {
  /** What kind of meter a name is, which decides the names Prometheus shows. */
  public enum Type { GAUGE, COUNTER, TIMER, SUMMARY }

  /** A meter's name, kind, tag keys and the one line Prometheus shows as its help. */
  public record Meter(String name, Type type, List<String> tags, String help) {
    /** The name as Prometheus shows it, before the suffixes of a counter, timer or summary. */
    public String base() {
      String base = name.replace('.', '_');
      return type == Type.TIMER ? base + "_seconds" : base;
    }

    /** Every series name this meter exposes in the Prometheus text format. */
    public List<String> exposed() {
      String base = base();
      return switch (type) {
        case GAUGE -> List.of(base);
        case COUNTER -> List.of(base + "_total");
        case TIMER, SUMMARY -> List.of(base + "_bucket", base + "_count", base + "_sum", base + "_max");
      };
    }
  }

  public static final String TAG_VHOST = "vhost";
  public static final String TAG_QUEUE = "queue";
  public static final String TAG_TRANSPORT = "transport";
  public static final String TAG_OPERATION = "operation";
  public static final String TAG_RESULT = "result";
  public static final String TAG_PERMISSION = "permission";
  /** The vhost and queue tag of the series that sum the queues beyond {@code metrics.queue-series.max}. */
  public static final String OTHER = "_other";

  /** The {@code Content-Type} of {@code GET /metrics}: the Prometheus text format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final List<String> QUEUE_TAGS = List.of(TAG_VHOST, TAG_QUEUE);

  // Per queue, read from the counts each queue keeps (QueueStats) when /metrics is scraped.
  public static final Meter QUEUE_MESSAGES_READY = gauge("junction.queue.messages.ready", QUEUE_TAGS,
      "Messages ready for delivery, in memory and in the store");
  public static final Meter QUEUE_MESSAGES_UNACKED = gauge("junction.queue.messages.unacked", QUEUE_TAGS,
      "Messages delivered and not yet acked");
  public static final Meter QUEUE_CONSUMERS = gauge("junction.queue.consumers", QUEUE_TAGS, "Consumers of the queue");
  public static final Meter QUEUE_WINDOW_MESSAGES = gauge("junction.queue.window.messages", QUEUE_TAGS,
      "Ready messages held in memory (limit: junction_queue_window_messages_limit)");
  public static final Meter QUEUE_WINDOW_BYTES = gauge("junction.queue.window.bytes", QUEUE_TAGS,
      "Estimated heap bytes of the ready messages held in memory (limit: junction_queue_window_bytes_limit)");
  public static final Meter QUEUE_PUBLISHED = counter("junction.queue.published", QUEUE_TAGS,
      "Messages enqueued since the queue started on this node");
  public static final Meter QUEUE_DELIVERED = counter("junction.queue.delivered", QUEUE_TAGS,
      "Deliveries to consumers, redeliveries included");
  public static final Meter QUEUE_ACKED = counter("junction.queue.acked", QUEUE_TAGS, "Deliveries acked by consumers");
  public static final Meter QUEUE_REDELIVERED = counter("junction.queue.redelivered", QUEUE_TAGS,
      "Deliveries flagged redelivered");
  public static final Meter QUEUE_DEAD_LETTERED = counter("junction.queue.dead.lettered", QUEUE_TAGS,
      "Messages that left the queue as dead letters");
  public static final Meter QUEUE_DEDUPLICATED = counter("junction.queue.deduplicated", QUEUE_TAGS,
      "Publishes confirmed but not stored: their message id was accepted within x-deduplication-window");

  // Per node.
  public static final Meter QUEUES_OWNED = gauge("junction.queues.owned", List.of(), "Queues this node owns");
  public static final Meter QUEUES_FOLDED = gauge("junction.queues.folded", List.of(),
      "Owned queues summed into the queue=\"_other\" series (beyond metrics.queue-series.max)");
  public static final Meter QUEUE_WINDOW_MESSAGES_LIMIT = gauge("junction.queue.window.messages.limit", List.of(),
      "queue.window.messages: ready messages a queue keeps in memory");
  public static final Meter QUEUE_WINDOW_BYTES_LIMIT = gauge("junction.queue.window.bytes.limit", List.of(),
      "queue.window.bytes: bytes of ready messages a queue keeps in memory");
  public static final Meter CONNECTIONS = gauge("junction.connections", List.of(TAG_TRANSPORT),
      "Open client connections: STOMP sessions over TCP or WebSocket, HTTP streams, event-bus clients");
  public static final Meter CLUSTER_MEMBERS = gauge("junction.cluster.members", List.of(),
      "Live broker nodes in the cluster as this node sees them (1 when standalone)");
  public static final Meter PUBLISH_TO_CONFIRM = new Meter("junction.publish.to.confirm", Type.TIMER, List.of(),
      "Time from the broker taking a publish to its confirmation (one routed publish in 8, sampled)");
  public static final Meter PUBLISH_TO_DELIVER = new Meter("junction.publish.to.deliver", Type.TIMER, List.of(),
      "Time from a queue taking a message to its first delivery (one message in 8, sampled)");
  public static final Meter STORE_BATCH_ROWS = new Meter("junction.store.batch.rows", Type.SUMMARY, List.of(),
      "Rows (messages inserted and deleted, delivered-up-to) per PostgreSQL write transaction");
  public static final Meter STORE_COMMIT = new Meter("junction.store.commit.duration", Type.TIMER, List.of(),
      "Time from sending a write transaction to its commit");
  public static final Meter STORE_ERRORS = counter("junction.store.errors", List.of(TAG_OPERATION),
      "Failed write transactions (operation=write) and reads (operation=read)");
  public static final Meter AUTH_ATTEMPTS = counter("junction.auth.attempts", List.of(TAG_RESULT, TAG_TRANSPORT),
      "Logins: logged in (result=success), refused (failure), refused unchecked from a blocked address (blocked)");
  public static final Meter ACCESS_DENIED = counter("junction.access.denied", List.of(TAG_PERMISSION),
      "Operations refused for lack of a permission (configure, write, read, vhost) or a tag (management, monitoring,"
          + " administrator)");

  public static final List<Meter> ALL = List.of(
      QUEUE_MESSAGES_READY, QUEUE_MESSAGES_UNACKED, QUEUE_CONSUMERS, QUEUE_WINDOW_MESSAGES, QUEUE_WINDOW_BYTES,
      QUEUE_PUBLISHED, QUEUE_DELIVERED, QUEUE_ACKED, QUEUE_REDELIVERED, QUEUE_DEAD_LETTERED, QUEUE_DEDUPLICATED,
      QUEUES_OWNED, QUEUES_FOLDED, QUEUE_WINDOW_MESSAGES_LIMIT, QUEUE_WINDOW_BYTES_LIMIT, CONNECTIONS,
      CLUSTER_MEMBERS, PUBLISH_TO_CONFIRM, PUBLISH_TO_DELIVER, STORE_BATCH_ROWS, STORE_COMMIT, STORE_ERRORS,
      AUTH_ATTEMPTS, ACCESS_DENIED);

  /** The values of {@link #TAG_TRANSPORT}: STOMP over TCP, STOMP over WebSocket, HTTP streams, event-bus clients. */
  public static final List<String> TRANSPORTS = List.of("stomp", "ws", "http", "eventbus");

  /** The transports that log clients in: the {@link #TAG_TRANSPORT} of {@link #AUTH_ATTEMPTS}. */
  public static final List<String> LOGIN_TRANSPORTS = List.of("stomp", "http", "eventbus");

  /** The values of {@link #TAG_OPERATION} on {@link #STORE_ERRORS}. */
  public static final String WRITE = "write";
  public static final String READ = "read";

  /** Histogram buckets of the latency timers: 0.5 ms to 10 s. */
  static final Duration[] LATENCY_BUCKETS = millis(0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000);
  /** Histogram buckets of {@link #STORE_BATCH_ROWS}. */
  static final double[] BATCH_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};

  private Meters() {
  }

  private static Meter gauge(String name, List<String> tags, String help) {
    return new Meter(name, Type.GAUGE, tags, help);
  }

  private static Meter counter(String name, List<String> tags, String help) {
    return new Meter(name, Type.COUNTER, tags, help);
  }

  private static Duration[] millis(double... ms) {
    var out = new Duration[ms.length];
    for (int i = 0; i < ms.length; i++) {
      out[i] = Duration.ofNanos(Math.round(ms[i] * 1_000_000));
    }
    return out;
  }
}
