package io.junctionmq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void noArgumentsGiveTheDocumentedDefaults() {
    BenchOptions o = BenchOptions.parse();
    assertNull(o.url());
    assertNull(o.login());
    assertNull(o.passcode());
    assertEquals(1, o.producers());
    assertEquals(1, o.consumers());
    assertEquals(1, o.queues());
    assertEquals(1024, o.size());
    assertTrue(o.persistent());
    assertEquals(100, o.confirmWindow());
    assertEquals(BenchOptions.Ack.CLIENT, o.ack());
    assertEquals(1000, o.prefetch());
    assertEquals(0, o.fanout());
    assertEquals(0, o.rate());
    assertEquals(10, o.duration());
    assertFalse(o.pgCeiling());
    assertTrue(o.brokerRun());
  }

  @Test
  void everyOptionIsParsedInBothForms() {
    BenchOptions o = BenchOptions.parse("--producers", "4", "--consumers=3", "--queues", "2", "--size", "4096",
        "--transient", "--confirm-window", "1000", "--ack", "AUTO", "--prefetch=50", "--rate", "20000",
        "--duration", "15", "--url", "ws://localhost:8080/ws", "--login", "guest", "--passcode=secret",
        "--scrape", "/metrics", "--scrape-interval=250ms", "--scrape-alternate", "5s");
    assertEquals(new BenchOptions("ws://localhost:8080/ws", "guest", "secret", 4, 3, 2, 4096, false, 1000,
        BenchOptions.Ack.AUTO, 50, 0, 20000, 15, false, false, "/metrics", 250, 5, null, 10, false, false), o);
  }

  @Test
  void dedupDeclaresTheQueuesOfAnInProcessRunWithDeduplication() {
    assertTrue(BenchOptions.parse("--dedup").dedup());
    assertFalse(BenchOptions.DEFAULTS.dedup());
    assertThrows(BenchOptions.Invalid.class, () -> BenchOptions.parse("--dedup", "--url", "http://127.0.0.1:8080"));
    assertThrows(BenchOptions.Invalid.class, () -> BenchOptions.parse("--dedup=true"));
  }

  @Test
  void aSoakRunSamplesAnInProcessBrokerEveryIntervalForAtLeastTwoIntervals() {
    BenchOptions o = BenchOptions.parse("--samples", "/tmp/soak", "--sample-interval", "5s", "--duration", "600");
    assertEquals("/tmp/soak", o.samples());
    assertEquals(5, o.sampleIntervalS());
    assertEquals(10, BenchOptions.parse("--samples", "out", "--duration", "60").sampleIntervalS());
    assertThrows(BenchOptions.Invalid.class, () -> BenchOptions.parse("--samples", "out"));
    assertThrows(BenchOptions.Invalid.class,
        () -> BenchOptions.parse("--samples", "out", "--duration", "60", "--url", "http://127.0.0.1:8080"));
    assertThrows(BenchOptions.Invalid.class,
        () -> BenchOptions.parse("--samples", "out", "--duration", "60", "--pg-ceiling-only"));
  }

  @Test
  void scrapingTakesAUrlOrAPathAndAnIntervalInMillisecondsOrSeconds() {
    assertNull(BenchOptions.parse().scrape());
    assertEquals(1000, BenchOptions.parse().scrapeIntervalMs());
    assertEquals("http://10.0.0.1:8080/metrics", BenchOptions.parse("--scrape", "http://10.0.0.1:8080/metrics").scrape());
    assertEquals(2000, BenchOptions.parse("--scrape-interval", "2s").scrapeIntervalMs());
    assertEquals(150, BenchOptions.parse("--scrape-interval", "150").scrapeIntervalMs());
    assertThrows(BenchOptions.Invalid.class, () -> BenchOptions.parse("--scrape", "ftp://x/metrics"));
    assertThrows(BenchOptions.Invalid.class, () -> BenchOptions.parse("--scrape-interval", "1ms"));
    assertThrows(BenchOptions.Invalid.class, () -> BenchOptions.parse("--scrape-interval", "fast"));
    assertThrows(BenchOptions.Invalid.class, () -> BenchOptions.parse("--pg-ceiling-only", "--scrape", "/metrics"));
    assertEquals(10, BenchOptions.parse("--scrape", "/metrics", "--scrape-alternate", "10", "--duration", "60")
        .scrapeAlternateS());
    assertThrows(BenchOptions.Invalid.class, () -> BenchOptions.parse("--scrape-alternate", "5"));
    assertThrows(BenchOptions.Invalid.class, () -> BenchOptions.parse("--scrape", "/metrics", "--scrape-alternate", "6"));
  }

  @Test
  void fanoutDeclaresOneQueuePerBindingAndAConsumerForEach() {
    BenchOptions o = BenchOptions.parse("--fanout", "3");
    assertEquals(3, o.queueCount());
    assertEquals(3, o.consumerCount());
    assertEquals(3, o.copies());
  }

  @Test
  void consumersAreRaisedToOnePerQueueButNeverLowered() {
    assertEquals(4, BenchOptions.parse("--queues", "4").consumerCount());
    assertEquals(6, BenchOptions.parse("--queues", "4", "--consumers", "6").consumerCount());
  }

  @Test
  void pgCeilingOnlyImpliesTheCeilingAndSkipsTheBrokerRun() {
    BenchOptions o = BenchOptions.parse("--pg-ceiling-only");
    assertTrue(o.pgCeiling());
    assertFalse(o.brokerRun());
  }

  @Test
  void badOptionsAreRejectedWithOneClearLine() {
    assertRejected("unknown option '--producer'", "--producer", "2");
    assertRejected("--producers needs a value", "--producers");
    assertRejected("--producers needs a whole number, got 'two'", "--producers", "two");
    assertRejected("--producers must be between 1 and 10000, got 0", "--producers", "0");
    assertRejected("--size must be between 8 and 67108864, got 4", "--size", "4");
    assertRejected("--duration must be between 2 and 86400, got 1", "--duration", "1");
    assertRejected("--ack must be auto or client, got 'none'", "--ack", "none");
    assertRejected("--persistent and --transient exclude each other", "--persistent", "--transient");
    assertRejected("--queues and --fanout exclude each other (--fanout N declares N queues)",
        "--queues", "2", "--fanout", "3");
    assertRejected("--transient takes no value", "--transient=yes");
    assertRejected("unexpected argument 'fast'", "fast");
    assertRejected("--url must be ws://host:port/… (STOMP over WebSocket) or http://host:port/…, got 'ftp://x'",
        "--url", "ftp://x");
    assertRejected("--login and --passcode go with --url ws://… (STOMP over WebSocket)", "--login", "guest");
    assertRejected("--login and --passcode go with --url ws://… (STOMP over WebSocket)",
        "--url", "http://localhost:8080", "--passcode", "guest");
    assertRejected("--pg-ceiling measures the PostgreSQL of an in-process broker; leave out --url to use it",
        "--url", "ws://localhost:8080/ws", "--pg-ceiling");
    assertRejected("--pg-ceiling measures the PostgreSQL of an in-process broker; leave out --url to use it",
        "--pg-ceiling-only", "--url", "wss://localhost:8443/ws");
  }

  @Test
  void badOptionsExitWithTwoAndPrintTheUsage() {
    var buffer = new ByteArrayOutputStream();
    int code = Bench.run(new String[] {"--prefetch", "-1"}, new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String printed = buffer.toString(StandardCharsets.UTF_8);
    assertEquals(2, code);
    assertTrue(printed.startsWith("bench: --prefetch must be between 1 and 65535, got -1\nusage: junction bench"),
        printed);
  }

  @Test
  void anHttpsUrlExitsWithTwo() {
    var buffer = new ByteArrayOutputStream();
    int code = Bench.run(new String[] {"--url", "https://localhost:8443"},
        new PrintStream(buffer, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertTrue(buffer.toString(StandardCharsets.UTF_8).contains("the HTTP driver speaks plain http:// only"));
  }

  private static void assertRejected(String message, String... args) {
    var e = assertThrows(BenchOptions.Invalid.class, () -> BenchOptions.parse(args));
    assertEquals(message, e.getMessage());
  }
}
