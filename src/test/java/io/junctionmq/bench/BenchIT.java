package io.junctionmq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.store.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Short in-process runs against the test PostgreSQL, read back from what the bench prints. */
@Timeout(90)
class BenchIT {
  private static final String PG_URI = "junction.pg.uri";
  private static final Pattern RESULT = Pattern.compile(
      "^RESULT sent=(\\d+) recv=(\\d+) p50=(\\d+\\.\\d{3}) p95=(\\d+\\.\\d{3}) p99=(\\d+\\.\\d{3})$", Pattern.MULTILINE);
  private static final Pattern CEILING = Pattern.compile("^RESULT pg-ceiling=(\\d+)$", Pattern.MULTILINE);

  @BeforeAll
  static void database() {
    // ConfigLoader honours -Djunction.pg.uri, so the bench uses this database, not an embedded one.
    System.setProperty(PG_URI, TestPostgres.newDatabase());
  }

  @AfterAll
  static void forgetDatabase() {
    System.clearProperty(PG_URI);
  }

  @Test
  void persistentMessagesWithClientAcksAreAllReceived() {
    String out = bench("--persistent", "--ack", "client", "--duration", "2", "--confirm-window", "50");
    assertReceivedWhatWasSent(out, 1);
    assertTrue(out.contains("durable queues"), out);
  }

  @Test
  void theInProcessBrokerIsScrapedDuringTheRun() {
    String out = bench("--duration", "2", "--scrape", "/metrics", "--scrape-interval", "200ms");
    assertReceivedWhatWasSent(out, 1);
    Matcher m = Pattern.compile("^SCRAPES ok=(\\d+) failed=0 ", Pattern.MULTILINE).matcher(out);
    assertTrue(m.find(), out);
    assertTrue(Long.parseLong(m.group(1)) > 0, out);
  }

  @Test
  void scrapingCanAlternateWithinARunAndBothRatesAreReported() {
    // Seconds 1-2 without scraping (1 is warm-up), 3-4 with, 5 without: one complete pair.
    String out = bench("--duration", "5", "--scrape", "/metrics", "--scrape-interval", "100ms",
        "--scrape-alternate", "2");
    assertReceivedWhatWasSent(out, 1);
    Matcher ab = Pattern.compile("^SCRAPE-AB plain=(\\d+) scraped=(\\d+) ratio=[0-9.]+ pairs=1 ", Pattern.MULTILINE)
        .matcher(out);
    assertTrue(ab.find(), out);
    assertTrue(Long.parseLong(ab.group(1)) > 0 && Long.parseLong(ab.group(2)) > 0, out);
    Matcher scrapes = Pattern.compile("^SCRAPES ok=(\\d+) failed=0 ", Pattern.MULTILINE).matcher(out);
    assertTrue(scrapes.find(), out);
    // About 20 in the 2 s scraped phase; scraping all along (setup, 5 s, drain) would make 50 or more.
    long ok = Long.parseLong(scrapes.group(1));
    assertTrue(ok >= 5 && ok <= 30, "scrapes only in the scraped phase, got " + ok + "\n" + out);
  }

  @Test
  void transientMessagesWithAutoAckHoldTheRate() {
    String out = bench("--transient", "--ack", "auto", "--duration", "2", "--rate", "5000", "--producers", "2",
        "--queues", "2");
    long[] r = assertReceivedWhatWasSent(out, 1);
    assertTrue(r[0] >= 2500 && r[0] <= 6500, "about 5000 msg/s, got " + r[0] + "\n" + out);
  }

  @Test
  void fanoutDeliversACopyToEveryQueue() {
    String out = bench("--fanout", "3", "--duration", "2", "--confirm-window", "50");
    assertReceivedWhatWasSent(out, 3);
  }

  @Test
  void pgCeilingReportsARate() {
    String out = bench("--pg-ceiling-only", "--duration", "2", "--size", "256");
    Matcher m = CEILING.matcher(out);
    assertTrue(m.find(), out);
    assertTrue(Long.parseLong(m.group(1)) > 0, out);
    assertTrue(!RESULT.matcher(out).find(), "no broker run with --pg-ceiling-only\n" + out);
  }

  private static String bench(String... args) {
    var buffer = new ByteArrayOutputStream();
    int code = Bench.run(args, new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String out = buffer.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    return out;
  }

  /** Checks the one RESULT line and that every confirmed copy arrived; returns sent and recv. */
  private static long[] assertReceivedWhatWasSent(String out, int copies) {
    List<String> results = out.lines().filter(l -> l.startsWith("RESULT")).toList();
    assertEquals(1, results.size(), out);
    Matcher m = RESULT.matcher(out);
    assertTrue(m.find(), out);
    long sent = Long.parseLong(m.group(1));
    long recv = Long.parseLong(m.group(2));
    assertTrue(sent > 0 && recv > 0, out);
    assertTrue(Math.abs(recv - copies * sent) <= 0.2 * copies * sent, "recv close to " + copies + " x sent\n" + out);
    assertTrue(out.contains(" 0 copies not received"), out);
    assertTrue(out.contains(", 0 failed;"), out);
    return new long[] {sent, recv};
  }
}
