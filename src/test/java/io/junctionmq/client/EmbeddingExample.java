package io.junctionmq.client;

import io.junctionmq.cluster.Clustering;
import io.junctionmq.config.JunctionConfig;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.junctionmq.model.AckMode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The program of docs/embedding.md: a Vert.x application that joins a running Junction cluster,
 * declares a queue, publishes with confirms and consumes with acks.
 *
 * <pre>
 * java -cp junction.jar:. EmbeddingExample junction 127.0.0.1:5701,127.0.0.1:5702 5801
 * </pre>
 */
public final class EmbeddingExample {
  private EmbeddingExample() {
  }

  public static void main(String[] args) {
    String clusterName = args.length > 0 ? args[0] : "junction";
    String members = args.length > 1 ? args[1] : "127.0.0.1:5701";
    int port = args.length > 2 ? Integer.parseInt(args[2]) : 5801;
    // The brokers' cluster name and members; a Hazelcast port of this application's own.
    JunctionConfig config = JunctionConfig.defaults().with(Map.of(
        "cluster.enabled", true, "cluster.name", clusterName, "cluster.members", members, "cluster.port", port));
    Vertx vertx = Clustering.clientVertx(config).await();
    try {
      List<String> received = run(vertx, 10).await();
      System.out.println("received " + received);
    } finally {
      vertx.close().await();
    }
  }

  /**
   * Connects a client, publishes {@code count} persistent messages to the queue {@code greetings}
   * (each confirmed once stored), and consumes them with prefetch 10 and an ack per message;
   * completes with the bodies received, in order, once all have come and been acked.
   */
  public static Future<List<String>> run(Vertx vertx, int count) {
    return JunctionClient.connect(vertx).compose(client -> {
      List<String> received = new ArrayList<>();
      List<Future<Void>> acks = new ArrayList<>();
      Promise<List<String>> all = Promise.promise();
      ClientConsumer[] consumer = new ClientConsumer[1];
      return client.declareQueue(Queue.durable("/", "greetings"))
          .compose(info -> client.consume("/", "greetings", 10, AckMode.CLIENT_INDIVIDUAL, (Delivery d) -> {
            received.add(new String(d.message().body(), StandardCharsets.UTF_8));
            acks.add(consumer[0].ack(d.deliveryTag(), false));
            if (received.size() == count) {
              // Done once the broker has every ack: closing earlier would send the unacked back.
              Future.all(acks).map(v -> received).onComplete(all);
            }
          }))
          .compose(c -> {
            consumer[0] = c;
            List<Future<Void>> confirms = new ArrayList<>();
            for (int i = 0; i < count; i++) {
              byte[] body = ("hello " + i).getBytes(StandardCharsets.UTF_8);
              confirms.add(client.publish("/", "", "greetings", MessageProperties.PERSISTENT, body));
            }
            return Future.all(confirms);
          })
          .compose(confirmed -> all.future())
          .eventually(client::close);
    });
  }
}
