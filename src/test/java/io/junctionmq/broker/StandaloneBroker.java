package io.junctionmq.broker;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.junctionmq.cluster.ClusterSync;
import io.junctionmq.cluster.Membership;
import io.junctionmq.cluster.Rebalancer;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.queue.QueueLimits;
import io.junctionmq.store.InMemoryMessageStore;
import io.junctionmq.store.InMemoryMetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.function.Executable;

/**
 * One broker node on a plain Vert.x, with its stores in the heap: the broker's rules tested
 * in milliseconds, without PostgreSQL. {@link #restart()} stops it and starts a new broker on
 * the same metadata and durable message stores (a fresh in-memory store for transient
 * messages), as a node restarted on the same database would. Public for the tests of the
 * pieces built on the broker API (definitions).
 *
 * <pre>{@code
 * @RegisterExtension
 * final StandaloneBroker node = new StandaloneBroker();   // started; closed after each test
 * }</pre>
 */
public final class StandaloneBroker implements AutoCloseable, AfterEachCallback {
  static final String V = "/";
  private static final BrokerImpl.Settings SETTINGS = new BrokerImpl.Settings(QueueLimits.DEFAULT,
      new ClusterSync.Settings(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(5),
          Rebalancer.Settings.DEFAULTS));

  private final Vertx vertx = Vertx.vertx();
  private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
  private final InMemoryMessageStore durable = new InMemoryMessageStore();
  private BrokerImpl broker;

  public StandaloneBroker() {
    start();
  }

  public Broker broker() {
    return broker;
  }

  /** Stops the broker, then starts a new one on the same metadata and durable stores. */
  void restart() {
    await(broker.stop());
    broker = null;
    start();
  }

  private void start() {
    var node = new BrokerImpl(vertx, Membership.standalone("test-node"), SETTINGS, metadata, durable,
        new InMemoryMessageStore());
    await(node.start());
    broker = node;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    try {
      if (broker != null) {
        await(broker.stop());
      }
    } finally {
      vertx.close().await();
    }
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out", e);
    }
  }

  /** The code {@code future} fails with; fails the test if it succeeds or fails otherwise. */
  public static ErrorCode failure(Future<?> future) {
    try {
      future.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e instanceof JunctionException ? e : e.getCause();
      if (cause instanceof JunctionException j) {
        return j.code();
      }
      return fail("expected a JunctionException, got " + e, e);
    }
    return fail("expected the operation to fail, and it succeeded");
  }

  /** The code a synchronous call throws. */
  static ErrorCode thrown(Executable call) {
    return assertThrows(JunctionException.class, call).code();
  }

  static Message persistent(String exchange, String routingKey, String body) {
    return new Message(exchange, routingKey, MessageProperties.PERSISTENT, body.getBytes(StandardCharsets.UTF_8));
  }

  static Message transientMessage(String exchange, String routingKey, String body) {
    return new Message(exchange, routingKey, MessageProperties.TRANSIENT, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether the queue exists, as the broker lists them. */
  boolean exists(String queue) {
    return broker.queues(V).stream().anyMatch(q -> q.queue().name().equals(queue));
  }
}
