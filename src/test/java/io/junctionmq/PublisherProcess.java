package io.junctionmq;

import io.junctionmq.config.JunctionConfig;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broker process for tests that need a real JVM to kill or to starve of heap: starts a
 * node on the given PostgreSQL, publishes persistent messages of {@code size} bytes with 50
 * in flight, prints {@code CONFIRMED i} as each is confirmed and, after {@code count}
 * confirms (0: never), {@code DONE heap=<bytes used after GC>} and exits.
 *
 * <p>Arguments: pgUri queue count size.
 */
public final class PublisherProcess {
  private static final int IN_FLIGHT = 50;

  /** Starts this class in a new JVM (with {@code jvmOptions}) on the jar that {@code package} built. */
  static Process launch(List<String> jvmOptions, String pgUri, String queue, int count, int size) throws IOException {
    var command = TestJvm.command(jvmOptions, true, PublisherProcess.class.getName(),
        List.of(pgUri, queue, String.valueOf(count), String.valueOf(size)));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  public static void main(String[] args) {
    String pgUri = args[0];
    String queue = args[1];
    int count = Integer.parseInt(args[2]);
    int size = Integer.parseInt(args[3]);
    Vertx vertx = Vertx.vertx();
    var config = JunctionConfig.defaults().with("pg.uri", pgUri).with("http.port", 0).with("stomp.port", 0).with("node.id", "test-process")
        .with(java.util.Map.of("lease.ttl", "2s", "lease.renew-interval", "500ms"));
    Junction junction = Junction.start(vertx, config).await();
    junction.broker().declareQueue(Queue.durable("/", queue)).await();
    var publisher = new PublisherProcess(junction, queue, count, size);
    vertx.runOnContext(v -> {
      for (int i = 0; i < IN_FLIGHT; i++) {
        publisher.publishNext();
      }
    });
  }

  private final Junction junction;
  private final String queue;
  private final int count;
  private final int size;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger confirmed = new AtomicInteger();

  private PublisherProcess(Junction junction, String queue, int count, int size) {
    this.junction = junction;
    this.queue = queue;
    this.count = count;
    this.size = size;
  }

  private void publishNext() {
    int i = next.getAndIncrement();
    if (count > 0 && i >= count) {
      return;
    }
    byte[] body = new byte[Math.max(size, 12)];
    byte[] id = ("m" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    System.arraycopy(id, 0, body, 0, id.length);
    var message = new Message("", queue, MessageProperties.PERSISTENT, size > 0 ? body : id);
    junction.broker().publish("/", message, true).onComplete(ar -> {
      if (ar.failed()) {
        System.out.println("FAILED " + i + " " + ar.cause());
        return;
      }
      System.out.println("CONFIRMED " + i);
      if (count > 0 && confirmed.incrementAndGet() == count) {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.println("DONE heap=" + (rt.totalMemory() - rt.freeMemory()));
        System.out.flush();
        System.exit(0);
      }
      publishNext();
    });
  }
}
