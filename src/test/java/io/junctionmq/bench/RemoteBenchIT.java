package io.junctionmq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.transport.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bench driving a real Junction node over its transports: STOMP over WebSocket and HTTP. */
class RemoteBenchIT {
  private static final Pattern RESULT = Pattern.compile(
      "^RESULT sent=(\\d+) recv=(\\d+) p50=(\\d+\\.\\d{3}) p95=(\\d+\\.\\d{3}) p99=(\\d+\\.\\d{3})$", Pattern.MULTILINE);
  private static final Pattern SCRAPES = Pattern.compile(
      "^SCRAPES ok=(\\d+) failed=(\\d+) mean=(\\d+\\.\\d{3}) max=(\\d+\\.\\d{3})$", Pattern.MULTILINE);
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void stompOverWebSocketDurableWithReceiptsAndClientAcks() {
    assertEveryConfirmedMessageArrived(bench("--url", node.wsUrl(), "--duration", "3", "--prefetch", "50"), 1);
  }

  @Test
  void httpNdjsonPublishAndStreamingConsumeWithAcks() {
    assertEveryConfirmedMessageArrived(bench("--url", node.httpUrl(), "--duration", "3", "--prefetch", "50"), 1);
  }

  @Test
  void scrapingTheMetricsEvery100MsDuringAStompRun() {
    String out = bench("--url", node.wsUrl(), "--duration", "3", "--prefetch", "50", "--scrape", "/metrics",
        "--scrape-interval", "100ms");
    assertEveryConfirmedMessageArrived(out, 1);
    Matcher m = SCRAPES.matcher(out);
    assertTrue(m.find(), out);
    assertTrue(Long.parseLong(m.group(1)) > 0, out);
    assertEquals(0, Long.parseLong(m.group(2)), out);
    assertTrue(out.contains("bench: scraped " + node.httpUrl() + "/metrics every 100 ms"), out);
  }

  @Test
  void httpFanoutWithAutoAck() {
    assertEveryConfirmedMessageArrived(bench("--url", node.httpUrl(), "--duration", "3", "--fanout", "2",
        "--ack", "auto", "--transient"), 2);
  }

  private static String bench(String... args) {
    var buffer = new ByteArrayOutputStream();
    var print = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    int code = Bench.run(args, print, print);
    String out = buffer.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    return out;
  }

  private static void assertEveryConfirmedMessageArrived(String out, int copies) {
    Matcher m = RESULT.matcher(out);
    assertTrue(m.find(), out);
    long sent = Long.parseLong(m.group(1));
    assertTrue(sent > 0, out);
    assertTrue(out.contains(" 0 copies not received"), out);
    assertTrue(out.contains(", 0 failed;") && out.contains(" 0 ack failures;"), out);
    Matcher totals = Pattern.compile("bench: (\\d+) confirmed publishes, 0 failed; (\\d+) deliveries").matcher(out);
    assertTrue(totals.find(), out);
    assertEquals(copies * Long.parseLong(totals.group(1)), Long.parseLong(totals.group(2)), out);
  }
}
