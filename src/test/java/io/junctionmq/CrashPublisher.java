package io.junctionmq;

import io.junctionmq.config.JunctionConfig;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broker process for {@link KillNineIT}: starts a node on the given PostgreSQL, publishes
 * persistent messages with up to 50 in flight, and prints {@code CONFIRMED i} as each publish
 * is confirmed, until it is killed.
 */
public final class CrashPublisher {
  public static void main(String[] args) {
    String pgUri = args[0];
    String queue = args[1];
    Vertx vertx = Vertx.vertx();
    var config = JunctionConfig.defaults().with("pg.uri", pgUri).with("node.id", "crash-node");
    Junction junction = Junction.start(vertx, config).await();
    junction.broker().declareQueue(Queue.durable("/", queue)).await();
    System.out.println("READY");
    System.out.flush();
    var next = new AtomicInteger();
    vertx.runOnContext(v -> {
      for (int i = 0; i < 50; i++) {
        publishNext(junction, queue, next);
      }
    });
  }

  private static void publishNext(Junction junction, String queue, AtomicInteger next) {
    int i = next.getAndIncrement();
    var message = new Message("", queue, MessageProperties.PERSISTENT, ("m" + i).getBytes(StandardCharsets.UTF_8));
    junction.broker().publish("/", message, true).onComplete(ar -> {
      if (ar.succeeded()) {
        System.out.println("CONFIRMED " + i);
        publishNext(junction, queue, next);
      } else {
        System.out.println("FAILED " + i + " " + ar.cause());
      }
    });
  }
}
