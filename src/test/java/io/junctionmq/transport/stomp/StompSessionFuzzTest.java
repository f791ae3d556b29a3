package io.junctionmq.transport.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.junctionmq.broker.BrokerImpl;
import io.junctionmq.cluster.ClusterSync;
import io.junctionmq.cluster.Membership;
import io.junctionmq.cluster.Rebalancer;
import io.junctionmq.queue.QueueLimits;
import io.junctionmq.security.AuthSettings;
import io.junctionmq.security.InMemorySecurityStore;
import io.junctionmq.store.InMemoryMessageStore;
import io.junctionmq.store.InMemoryMetadataStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A STOMP session fed bytes from the network cut at arbitrary WebSocket message boundaries, as
 * {@link WebSocketTransport} feeds it, against a broker with its stores in the heap
 * (docs/fuzzing.md). Whatever the bytes, the session writes only frames a client can decode;
 * after an ERROR frame it writes nothing more and closes the socket; it never fails on its
 * context; and once the client has sent everything and closed, its connection is gone from the
 * broker. The first byte of an input chooses the cuts; the rest is what the client sends.
 */
class StompSessionFuzzTest {
  private static final StompSettings SETTINGS = new StompSettings(64 * 1024, 8 * 1024, 0, 100, "junction/fuzz");
  /** A fresh broker now and then, so that what the inputs declared does not pile up. */
  private static final int INPUTS_PER_BROKER = 2000;
  private static final Vertx vertx = Vertx.vertx();
  private static final ConcurrentLinkedQueue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
  private static BrokerImpl broker;
  private static int inputs;

  static {
    vertx.exceptionHandler(uncaught::add);
  }

  @AfterAll
  static void closeVertx() {
    if (broker != null) {
      broker.stop().await();
    }
    vertx.close().await();
  }

  @FuzzTest(maxDuration = "10s")
  void theSessionAnswersWithFramesOrAnErrorAndClosesCleanly(byte[] input) {
    if (input.length == 0) {
      return;
    }
    List<StompFrame> frames = session(Arrays.copyOfRange(input, 1, input.length), input[0], written -> true);
    for (int i = 0; i < frames.size(); i++) {
      StompCommand c = frames.get(i).command();
      assertTrue(c == StompCommand.CONNECTED || c == StompCommand.RECEIPT || c == StompCommand.MESSAGE
          || c == StompCommand.ERROR, "the server wrote a " + c);
      if (c == StompCommand.ERROR) {
        assertEquals(frames.size() - 1, i, "the session wrote after its ERROR frame");
        assertNotEquals(null, frames.get(i).header("message"));
      }
    }
  }

  @Test
  void aClientInAnyCuttingIsConnectedAndGetsItsReceiptsAndItsMessage() {
    String wire = "CONNECT\naccept-version:1.2\nlogin:guest\npasscode:guest\n\n\0"
        + "SUBSCRIBE\nid:0\ndestination:/queue/any-cutting\nreceipt:1\n\n\0"
        + "SEND\ndestination:/queue/any-cutting\nreceipt:2\n\nhi\0";
    List<StompFrame> frames = List.of();
    for (int seed = 0; seed < 4; seed++) {
      frames = session(wire.getBytes(StandardCharsets.UTF_8), seed, written -> written.size() == 4);
      assertEquals(StompCommand.CONNECTED, frames.get(0).command());
      assertEquals(List.of("1", "2"), frames.stream().filter(f -> f.command() == StompCommand.RECEIPT)
          .map(f -> f.header("receipt-id")).toList());
    }
    assertEquals("hi", frames.stream().filter(f -> f.command() == StompCommand.MESSAGE)
        .map(f -> new String(f.body(), StandardCharsets.UTF_8)).findFirst().orElse(null));
  }

  @Test
  void aClientThatGoesWhileItsLoginIsCheckedLeavesNoConnectionBehind() {
    // Found by this fuzz target: the login completed after the close and opened a connection for good.
    BrokerImpl b = freshBroker();
    var connect = Buffer.buffer("CONNECT\naccept-version:1.2\nlogin:guest\npasscode:guest\n\n\0");
    var socket = new Socket(List.of(connect));
    vertx.getOrCreateContext().runOnContext(v -> {
      socket.session = new StompSession(vertx, b, SETTINGS, new StompStats(), socket);
      socket.pump();
      socket.session.transportClosed();
    });
    Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
        .until(() -> socket.closed && b.connections().isEmpty());
  }

  /**
   * What the session wrote to a client that sent {@code wire} (cut as {@code seed} chooses), waited
   * for {@code answered} (or the session's close), and closed; once the broker has closed its connection.
   */
  private static List<StompFrame> session(byte[] wire, int seed, Predicate<List<StompFrame>> answered) {
    BrokerImpl b = broker();
    uncaught.clear();
    var socket = new Socket(cut(wire, new SplittableRandom(seed)));
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      socket.session = new StompSession(vertx, b, SETTINGS, new StompStats(), socket);
      socket.pump();
    });
    Awaitility.await("the session read everything or closed").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(1))
        .until(() -> socket.closed || socket.fed && answered.test(decode(socket.written())));
    context.runOnContext(v -> socket.session.transportClosed());
    Awaitility.await("the connection is gone from the broker").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(1)).until(() -> socket.closed && b.connections().isEmpty());

    assertEquals(List.of(), List.copyOf(uncaught), "a failure escaped to the context");
    return decode(socket.written());
  }

  private static BrokerImpl broker() {
    return broker == null || ++inputs % INPUTS_PER_BROKER == 0 ? freshBroker() : broker;
  }

  /** A new broker, whose authenticator has checked no password yet. */
  private static BrokerImpl freshBroker() {
    if (broker != null) {
      broker.stop().await();
    }
    var settings = new BrokerImpl.Settings(QueueLimits.DEFAULT, new ClusterSync.Settings(Duration.ofSeconds(30),
        Duration.ofSeconds(10), Duration.ofSeconds(5), Rebalancer.Settings.DEFAULTS));
    // No delay after a refused login and no block (the fuzzer tries many; a delay of 0 once broke every refusal).
    var auth = new AuthSettings("guest", "guest", List.of("guest"), "guest", "guest", 0, 0, 60_000);
    broker = new BrokerImpl(vertx, Membership.standalone("fuzz"), settings, new InMemoryMetadataStore(),
        new InMemoryMessageStore(), new InMemoryMessageStore(), new InMemorySecurityStore(), auth);
    broker.start().await();
    return broker;
  }

  /** The bytes as WebSocket messages of 1 to 256 bytes. */
  private static List<Buffer> cut(byte[] wire, SplittableRandom cuts) {
    var messages = new ArrayList<Buffer>();
    for (int pos = 0; pos < wire.length; ) {
      int n = Math.min(wire.length - pos, cuts.nextInt(1, 257));
      messages.add(Buffer.buffer(Arrays.copyOfRange(wire, pos, pos + n)));
      pos += n;
    }
    return messages;
  }

  private static List<StompFrame> decode(byte[] written) {
    var frames = new ArrayList<StompFrame>();
    try {
      new StompDecoder(1 << 24, 1 << 24).feed(written, frames::add);
    } catch (StompProtocolException e) {
      throw new AssertionError("the server wrote bytes a client cannot decode: " + e.getMessage(), e);
    }
    return frames;
  }

  /** A WebSocket that delivers its messages while the session reads, and records what it writes. */
  private static final class Socket implements StompTransport {
    private final List<Buffer> messages;
    private final Buffer out = Buffer.buffer();
    private int next;
    StompSession session;
    private boolean paused;
    volatile boolean fed;
    volatile boolean closed;

    Socket(List<Buffer> messages) {
      this.messages = messages;
    }

    void pump() {
      while (!paused && !closed && next < messages.size()) {
        session.received(messages.get(next++));
      }
      if (next == messages.size()) {
        fed = true;
      }
    }

    synchronized byte[] written() {
      return out.getBytes();
    }

    @Override
    public synchronized void write(Buffer data) {
      if (closed) {
        throw new AssertionError("the session wrote after it closed the socket");
      }
      out.appendBuffer(data);
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public void drainHandler(Runnable handler) {
    }

    @Override
    public void pause() {
      paused = true;
    }

    @Override
    public void resume() {
      paused = false;
      vertx.runOnContext(v -> pump());
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public String kind() {
      return "ws";
    }

    @Override
    public String remote() {
      return "127.0.0.1:40000";
    }

    @Override
    public String remoteHost() {
      return "127.0.0.1";
    }
  }
}
