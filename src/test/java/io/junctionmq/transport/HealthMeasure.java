package io.junctionmq.transport;

import io.junctionmq.Junction;
import io.junctionmq.config.JunctionConfig;
import io.junctionmq.model.Queue;
import io.junctionmq.store.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;

/**
 * A by-hand measurement, not a test: how fast {@code /health} and {@code /ready} answer on a
 * node with many durable queues, and while such a node recovers them at start.
 *
 * <p>{@code java -cp target/classes:target/test-classes:<deps> io.junctionmq.transport.HealthMeasure [queues=10000]}
 */
public final class HealthMeasure {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private HealthMeasure() {
  }

  public static void main(String[] args) throws Exception {
    int queues = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    var config = JunctionConfig.defaults().with(Map.of("pg.uri", TestPostgres.newDatabase(), "http.host", "127.0.0.1",
        "http.port", 0, "stomp.host", "127.0.0.1", "stomp.port", 0));
    Vertx vertx = Vertx.vertx();
    Junction node = Junction.start(vertx, config).await();
    long started = System.nanoTime();
    for (int i = 0; i < queues; i += 100) {
      var batch = new ArrayList<Future<?>>();
      for (int j = i; j < Math.min(queues, i + 100); j++) {
        batch.add(node.broker().declareQueue(new Queue("/", "q" + j, true, false, false, Map.of())));
      }
      Future.all(batch).await();
    }
    System.out.printf("declared %d queues in %d ms%n", queues, (System.nanoTime() - started) / 1_000_000);
    int port = node.httpPort();
    for (String path : new String[] {"/health", "/ready"}) {
      var millis = new ArrayList<Double>();
      for (int i = 0; i < 200; i++) {
        long t = System.nanoTime();
        int status = get(port, path);
        millis.add((System.nanoTime() - t) / 1e6);
        if (status != 200) {
          throw new IllegalStateException(path + " answered " + status);
        }
      }
      millis.sort(Double::compare);
      System.out.printf("%s with %d queues: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", path, queues,
          millis.get(100), millis.get(197), millis.get(199));
    }
    node.close().await();

    // Recovery: poll both paths while a new node recovers every queue.
    var statuses = new TreeMap<String, Integer>();
    double[] worst = new double[2];
    long restarted = System.nanoTime();
    Thread poller = new Thread(() -> {
      var client = HttpClient.newHttpClient();
      int[] seen = {-1, -1};
      while (!Thread.currentThread().isInterrupted()) {
        try {
          for (int k = 0; k < 2; k++) {
            String path = k == 0 ? "/health" : "/ready";
            long t = System.nanoTime();
            int status = get(client, port, path);
            worst[k] = Math.max(worst[k], (System.nanoTime() - t) / 1e6);
            if (status != seen[k]) {
              seen[k] = status;
              synchronized (statuses) {
                statuses.put(String.format("%6d ms %s", (System.nanoTime() - restarted) / 1_000_000, path), status);
              }
            }
          }
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // not bound yet
        }
      }
    });
    var again = config.with("http.port", port);
    poller.start();
    Junction recovered = Junction.start(vertx, again).await();
    System.out.printf("recovered %d queues in %d ms%n", queues, (System.nanoTime() - restarted) / 1_000_000);
    Thread.sleep(500);
    poller.interrupt();
    poller.join();
    synchronized (statuses) {
      statuses.forEach((when, status) -> System.out.println(when + " -> " + status));
    }
    System.out.printf("while recovering: slowest /health %.2f ms, slowest /ready %.2f ms%n", worst[0], worst[1]);
    recovered.close().await();
    vertx.close().await();
    System.exit(0);
  }

  private static int get(int port, String path) throws Exception {
    return get(HTTP, port, path);
  }

  private static int get(HttpClient client, int port, String path) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build();
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
