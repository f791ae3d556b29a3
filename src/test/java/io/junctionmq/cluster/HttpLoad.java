package io.junctionmq.cluster;

import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients of a cluster of {@link NodeProcess} nodes over their HTTP API, in the test JVM,
 * recording what they see in a {@link Ledger}:
 *
 * <ul>
 *   <li>a publisher keeps a few confirmed publishes ({@code POST
 *   /api/exchanges/%2F/amq.default/publish}, persistent, the message id as payload) in
 *   flight to one queue; a 2xx is a confirm, anything else a failed publish (never retried:
 *   the next publish has a new id);</li>
 *   <li>a consumer reads an NDJSON stream with manual acks and acks each delivery on its own
 *   ({@code POST /api/consumers/{id}/ack}); the ledger records when the ack was confirmed.</li>
 * </ul>
 *
 * Each client is given its nodes in order of preference; when its node fails (connection
 * refused or closed, the stream ended) it moves to the next one that runs.
 */
final class HttpLoad implements AutoCloseable {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final long RETRY_MS = 200;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClientAgent client = vertx.createHttpClient(
      new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(2000),
      new PoolOptions().setHttp1MaxSize(64));
  private final Ledger ledger;
  private final List<Publisher> publishers = new CopyOnWriteArrayList<>();
  private final List<StreamConsumer> consumers = new CopyOnWriteArrayList<>();

  HttpLoad(Ledger ledger) {
    this.ledger = ledger;
  }

  /** Starts a publisher to {@code queue} with {@code window} publishes in flight, on the first running node of {@code nodes}. */
  Publisher publisher(String queue, int window, List<NodeProcess> nodes) {
    var p = new Publisher(queue, publishers.size(), nodes);
    publishers.add(p);
    for (int i = 0; i < window; i++) {
      vertx.runOnContext(v -> p.next());
    }
    return p;
  }

  /** Starts a manual-ack consumer of {@code queue} with {@code prefetch}, on the first running node of {@code nodes}. */
  StreamConsumer consumer(String queue, int prefetch, List<NodeProcess> nodes) {
    var c = new StreamConsumer(queue, prefetch, nodes);
    consumers.add(c);
    vertx.runOnContext(v -> c.open());
    return c;
  }

  /** Stops every publisher and waits (bounded) until none has a publish in flight. */
  void stopPublishing() {
    publishers.forEach(p -> p.stopped = true);
    await("publishes in flight answered").atMost(REQUEST_TIMEOUT.plusSeconds(5)).pollInterval(Duration.ofMillis(20))
        .until(() -> publishers.stream().allMatch(p -> p.inFlight.get() == 0));
  }

  /** Closes every consumer's stream (what it did not ack goes back to its queue). */
  void stopConsuming() {
    consumers.forEach(StreamConsumer::stop);
  }

  /** The nodes the consumers of {@code queue} are connected to now. */
  List<String> consumerNodes(String queue) {
    return consumers.stream().filter(c -> c.queue.equals(queue) && c.consumerId != null).map(c -> c.node().nodeId())
        .toList();
  }

  @Override
  public void close() {
    stopConsuming();
    publishers.forEach(p -> p.stopped = true);
    client.close().await();
    vertx.close().await();
  }

  private Future<HttpClientResponse> request(NodeProcess node, HttpMethod method, String uri, JsonObject body,
                                             long idleTimeoutMs) {
    URI url = URI.create(node.httpUrl());
    var options = new RequestOptions().setMethod(method).setHost(url.getHost()).setPort(url.getPort()).setURI(uri)
        .setIdleTimeout(idleTimeoutMs).putHeader("Content-Type", "application/json");
    return client.request(options).compose(req -> body == null ? req.send() : req.send(body.toBuffer()));
  }

  /** The first running node of {@code nodes}, starting at {@code from}; {@code from} itself if none runs. */
  private static int running(List<NodeProcess> nodes, int from) {
    for (int i = 0; i < nodes.size(); i++) {
      int k = (from + i) % nodes.size();
      if (nodes.get(k).isAlive()) {
        return k;
      }
    }
    return from;
  }

  final class Publisher {
    private final String queue;
    private final String prefix;
    private final List<NodeProcess> nodes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    private volatile int current;
    private volatile boolean stopped;

    private Publisher(String queue, int index, List<NodeProcess> nodes) {
      this.queue = queue;
      this.prefix = queue + "-p" + index + "-";
      this.nodes = List.copyOf(nodes);
      this.current = running(this.nodes, 0);
    }

    private void next() {
      if (stopped) {
        return;
      }
      int at = current;
      NodeProcess node = nodes.get(at);
      String id = prefix + sequence.incrementAndGet();
      var body = new JsonObject().put("routing_key", queue).put("payload", id).put("payload_encoding", "string")
          .put("properties", new JsonObject().put("delivery_mode", 2).put("message_id", id));
      inFlight.incrementAndGet();
      request(node, HttpMethod.POST, "/api/exchanges/%2F/amq.default/publish", body, REQUEST_TIMEOUT.toMillis())
          .compose(resp -> resp.body().map(b -> resp.statusCode()))
          .onComplete(ar -> {
            inFlight.decrementAndGet();
            if (ar.succeeded() && ar.result() / 100 == 2) {
              ledger.confirmed(queue, id, node.nodeId());
              next();
              return;
            }
            ledger.publishFailed(queue);
            if (ar.failed()) {
              // The node is gone or going: the next running one.
              if (current == at) {
                current = running(nodes, at + 1);
              }
              vertx.setTimer(RETRY_MS, t -> next());
            } else {
              vertx.setTimer(RETRY_MS / 4, t -> next());
            }
          });
    }
  }

  final class StreamConsumer {
    private final String queue;
    private final int prefetch;
    private final List<NodeProcess> nodes;
    private volatile int current;
    private volatile String consumerId;
    private volatile HttpClientResponse response;
    private volatile boolean stopped;
    private final AtomicInteger streams = new AtomicInteger();

    private StreamConsumer(String queue, int prefetch, List<NodeProcess> nodes) {
      this.queue = queue;
      this.prefetch = prefetch;
      this.nodes = List.copyOf(nodes);
      this.current = running(this.nodes, 0);
    }

    NodeProcess node() {
      return nodes.get(current);
    }

    /** How many streams this consumer opened (1 unless its node failed). */
    int streams() {
      return streams.get();
    }

    private void open() {
      if (stopped) {
        return;
      }
      int at = current;
      NodeProcess node = nodes.get(at);
      consumerId = null;
      streams.incrementAndGet();
      request(node, HttpMethod.GET, "/api/queues/%2F/" + queue + "/stream?ack=manual&prefetch=" + prefetch, null, 0)
          .onComplete(ar -> {
            if (ar.failed() || ar.result().statusCode() != 200) {
              if (ar.succeeded()) {
                ar.result().body();
              }
              reopen(at);
              return;
            }
            HttpClientResponse resp = ar.result();
            response = resp;
            // The stream ends (the queue was deleted), breaks or its connection closes (the node went away): once.
            var ended = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable again = () -> {
              if (ended.compareAndSet(false, true)) {
                reopen(at);
              }
            };
            resp.request().connection().closeHandler(v -> again.run());
            var parser = RecordParser.newDelimited("\n", resp);
            parser.exceptionHandler(e -> again.run());
            parser.handler(line -> {
              if (line.length() == 0) {
                return;
              }
              var event = new JsonObject(line);
              if (event.containsKey("consumer")) {
                consumerId = event.getString("consumer");
              } else if (event.containsKey("delivery_tag")) {
                var r = ledger.received(queue, event.getString("payload"), event.getBoolean("redelivered"),
                    event.getLong("delivery_tag"), node.nodeId(), consumerId);
                ack(node, consumerId, r);
              }
            }).endHandler(v -> again.run());
          });
    }

    private void ack(NodeProcess node, String id, Ledger.Received r) {
      var body = new JsonObject().put("delivery_tag", r.tag).put("multiple", false);
      request(node, HttpMethod.POST, "/api/consumers/" + id + "/ack", body, REQUEST_TIMEOUT.toMillis())
          .compose(resp -> resp.body().map(b -> resp.statusCode()))
          .onSuccess(status -> {
            if (status / 100 == 2) {
              r.ackedAt = System.nanoTime();
            }
          });
    }

    private void reopen(int failedAt) {
      consumerId = null;
      response = null;
      if (stopped) {
        return;
      }
      if (current == failedAt) {
        current = running(nodes, failedAt + 1);
      }
      vertx.setTimer(RETRY_MS, t -> open());
    }

    private void stop() {
      stopped = true;
      HttpClientResponse resp = response;
      if (resp != null) {
        vertx.runOnContext(v -> resp.request().connection().close());
      }
    }
  }
}
