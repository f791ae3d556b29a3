package io.junctionmq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bench's STOMP-over-WebSocket driver ({@code --url ws://…}) against {@link FakeStompBroker},
 * a broker in its own Vert.x speaking the frames RabbitMQ's Web-STOMP speaks. Once Junction's
 * own {@code /ws} endpoint exists, the same runs can point at a {@code TestNode} instead.
 */
@Timeout(90)
class StompBenchIT {
  private static final Pattern RESULT = Pattern.compile(
      "^RESULT sent=(\\d+) recv=(\\d+) p50=(\\d+\\.\\d{3}) p95=(\\d+\\.\\d{3}) p99=(\\d+\\.\\d{3})$", Pattern.MULTILINE);

  private Vertx vertx;
  private FakeStompBroker broker;

  @BeforeEach
  void startBroker() throws Exception {
    vertx = Vertx.vertx();
    broker = FakeStompBroker.start(vertx);
  }

  @AfterEach
  void stopBroker() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  void persistentPublishesWaitForReceiptsAndEveryDeliveryIsAcked() {
    String out = bench(0, "--url", broker.url(), "--login", "guest", "--passcode", "guest",
        "--persistent", "--ack", "client", "--prefetch", "50", "--confirm-window", "20", "--duration", "3");
    long delivered = assertReceivedWhatWasSent(out, 1);

    StompFrame connect = broker.connects.get(0);
    assertEquals("1.2", connect.header("accept-version"));
    assertEquals("/", connect.header("host"));
    assertEquals("guest", connect.header("login"));
    assertEquals("guest", connect.header("passcode"));

    StompFrame send = broker.sendSamples.get(0);
    assertTrue(send.header("destination").matches("/amq/queue/bench-[0-9a-f]{8}-0"), send.toString());
    assertEquals("true", send.header("persistent"));
    assertTrue(send.header("receipt") != null, send.toString());
    assertEquals(1024, send.body().length);

    StompFrame declare = broker.subscribes.get(0);
    assertEquals("true", declare.header("durable"));
    assertEquals("false", declare.header("auto-delete"));
    assertTrue(declare.header("destination").startsWith("/queue/bench-"), declare.toString());
    StompFrame consume = subscribeTo("/amq/queue/");
    assertEquals("client-individual", consume.header("ack"));
    assertEquals("50", consume.header("prefetch-count"));

    assertEquals(broker.count(StompCommand.SEND), delivered, "every publish was received once");
    assertEquals(delivered, broker.count(StompCommand.ACK), "one ACK per delivery");
    assertTrue(broker.maxUnacked.get() <= 50, "prefetch held, max unacked " + broker.maxUnacked.get());
    // One connection to declare, one producer, one consumer.
    assertEquals(3, broker.connects.size());
  }

  @Test
  void transientMessagesWithAutoAckUseNonDurableQueuesAndSendNoAck() {
    String out = bench(0, "--url", broker.url(), "--transient", "--ack", "auto", "--producers", "2",
        "--queues", "2", "--rate", "2000", "--duration", "3");
    long[] r = assertResult(out);
    // An upper bound only: on a busy machine the first seconds may fall short of the rate.
    assertTrue(r[0] <= 2600, "at most about 2000 msg/s, got " + r[0] + "\n" + out);
    assertTrue(out.contains(" 0 copies not received"), out);
    assertEquals("false", broker.subscribes.get(0).header("durable"));
    assertEquals("false", broker.subscribes.get(0).header("exclusive"));
    assertEquals("auto", subscribeTo("/amq/queue/").header("ack"));
    assertEquals(null, broker.sendSamples.get(0).header("persistent"));
    assertEquals(0, broker.count(StompCommand.ACK));
    assertEquals(null, broker.connects.get(0).header("login"));
  }

  @Test
  void fanoutBindsEachQueueToAmqFanoutAndDeliversACopyToEach() {
    String out = bench(0, "--url", broker.url(), "--fanout", "3", "--duration", "3", "--confirm-window", "20");
    assertReceivedWhatWasSent(out, 3);
    List<StompFrame> bindings = broker.subscribes.stream()
        .filter(f -> "/exchange/amq.fanout".equals(f.header("destination"))).toList();
    assertEquals(3, bindings.size());
    for (StompFrame b : bindings) {
      assertTrue(b.header("x-queue-name").startsWith("bench-"), b.toString());
      assertEquals("true", b.header("durable"));
      assertEquals("false", b.header("auto-delete"));
    }
    assertEquals("/exchange/amq.fanout", broker.sendSamples.get(0).header("destination"));
  }

  @Test
  void aRefusedLoginFailsTheRunWithTheBrokersMessage() {
    String out = bench(1, "--url", broker.url(), "--login", "guest", "--passcode", FakeStompBroker.WRONG_PASSCODE,
        "--duration", "2");
    assertTrue(out.contains("bench: failed: Access refused for user 'guest'"), out);
    assertTrue(!RESULT.matcher(out).find(), out);
  }

  private StompFrame subscribeTo(String prefix) {
    return broker.subscribes.stream().filter(f -> f.header("destination").startsWith(prefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no SUBSCRIBE to " + prefix + "… in " + broker.subscribes));
  }

  private static String bench(int expectedCode, String... args) {
    var buffer = new ByteArrayOutputStream();
    var print = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    int code = Bench.run(args, print, print);
    String out = buffer.toString(StandardCharsets.UTF_8);
    assertEquals(expectedCode, code, out);
    return out;
  }

  /** Checks the RESULT line and that every confirmed copy arrived; returns the deliveries. */
  private static long assertReceivedWhatWasSent(String out, int copies) {
    long[] r = assertResult(out);
    // Rates in a 2-second window depend on the machine's load; counts do not: every confirmed
    // copy must have arrived, which the summary line says.
    assertTrue(r[0] > 0 && r[1] > 0, "messages moved\n" + out);
    assertTrue(out.contains(" 0 copies not received"), out);
    assertTrue(out.contains(", 0 failed;") && out.contains(" 0 ack failures;"), out);
    Matcher m = Pattern.compile("; (\\d+) deliveries,").matcher(out);
    assertTrue(m.find(), out);
    return Long.parseLong(m.group(1));
  }

  private static long[] assertResult(String out) {
    assertEquals(1, out.lines().filter(l -> l.startsWith("RESULT")).count(), out);
    Matcher m = RESULT.matcher(out);
    assertTrue(m.find(), out);
    long sent = Long.parseLong(m.group(1));
    long recv = Long.parseLong(m.group(2));
    assertTrue(sent > 0 && recv > 0, out);
    return new long[] {sent, recv};
  }
}
