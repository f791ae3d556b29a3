package io.junctionmq.bench;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * The options of {@code junction bench}, as documented in docs/benchmarks.md.
 *
 * @param url the broker to drive, or null for an in-process broker
 * @param login the STOMP login sent with CONNECT, or null for none
 * @param passcode the STOMP passcode sent with CONNECT, or null for none
 * @param fanout the number of queues bound to one fanout exchange, or 0 to publish to queues
 * @param rate the aggregate publish rate in messages per second, or 0 for as fast as possible
 * @param scrape a metrics URL to scrape during the run, a path ({@code /metrics}) on the driven
 *     broker's HTTP server, or null for none
 * @param scrapeIntervalMs how often to scrape, in milliseconds
 * @param scrapeAlternateS 0 to scrape all run long, else the length in seconds of the phases
 *     that alternate without and with scraping, so that one run measures both
 * @param samples a directory where a soak run writes {@code soak.csv} and {@code soak.png}
 *     (see {@link Soak}), or null for none
 * @param sampleIntervalS how often a soak run samples, in seconds
 * @param dedup whether the bench queues deduplicate by message id ({@code x-message-deduplication});
 *     every message then carries a unique id, so the run measures what the check costs
 */
public record BenchOptions(
    String url,
    String login,
    String passcode,
    int producers,
    int consumers,
    int queues,
    int size,
    boolean persistent,
    int confirmWindow,
    Ack ack,
    int prefetch,
    int fanout,
    long rate,
    int duration,
    boolean pgCeiling,
    boolean pgCeilingOnly,
    String scrape,
    int scrapeIntervalMs,
    int scrapeAlternateS,
    String samples,
    int sampleIntervalS,
    boolean dedup,
    boolean help) {

  /** How consumers settle: AUTO on delivery, or CLIENT with one ack per message. */
  public enum Ack { AUTO, CLIENT }

  /** The first 8 bytes of every body carry the publish time. */
  public static final int MIN_SIZE = 8;
  static final Set<String> SCHEMES = Set.of("ws", "wss", "http", "https");

  public static final String USAGE = String.join("\n",
      "usage: junction bench [--url ws://…|http://…] [--login L --passcode P]",
      "                      [--producers N] [--consumers N] [--queues N]",
      "                      [--size BYTES] [--persistent|--transient] [--confirm-window N]",
      "                      [--ack auto|client] [--prefetch N] [--fanout N] [--rate MSG_PER_S]",
      "                      [--duration SECONDS] [--pg-ceiling] [--pg-ceiling-only]",
      "                      [--scrape http://…/metrics|/metrics] [--scrape-interval 100ms]",
      "                      [--scrape-alternate SECONDS] [--samples DIR] [--sample-interval SECONDS]",
      "                      [--dedup]",
      "  defaults: in-process broker, 1 producer, 1 consumer, 1 queue, 1024 bytes, persistent,",
      "  confirm window 100, client ack, prefetch 1000, no fanout, unlimited rate, 10 s, no scraping",
      "  (a path scrapes the driven broker's HTTP server; the interval defaults to 1 s;",
      "  --scrape-alternate N scrapes only every other N seconds and compares the two;",
      "  --samples DIR samples throughput, p99, heap and PostgreSQL's storage every 10 s into",
      "  DIR/soak.csv and DIR/soak.png, for soak runs: bench/soak.sh;",
      "  --dedup declares the queues with x-message-deduplication and gives every message a unique id).",
      "  See docs/benchmarks.md.");

  public static final BenchOptions DEFAULTS = new BenchOptions(null, null, null, 1, 1, 1, 1024, true, 100, Ack.CLIENT,
      1000, 0, 0, 10, false, false, null, 1000, 0, null, 10, false, false);

  /** An option that cannot be used; the message is one line, fit for the user. */
  public static final class Invalid extends IllegalArgumentException {
    Invalid(String message) {
      super(message);
    }
  }

  /** The number of queues: one per fanout binding, else {@link #queues}. */
  public int queueCount() {
    return fanout > 0 ? fanout : queues;
  }

  /** Consumers actually started: at least one per queue, so that no queue grows unread. */
  public int consumerCount() {
    return Math.max(consumers, queueCount());
  }

  /** Copies a consumer receives of each confirmed publish. */
  public int copies() {
    return fanout > 0 ? fanout : 1;
  }

  public boolean brokerRun() {
    return !pgCeilingOnly;
  }

  /**
   * Parses command-line arguments ({@code --name value} or {@code --name=value}).
   *
   * @throws Invalid naming the first bad option
   */
  public static BenchOptions parse(String... args) {
    var b = new Builder();
    boolean persistentSeen = false;
    boolean transientSeen = false;
    boolean queuesSeen = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      boolean flag = switch (name) {
        case "--persistent", "--transient", "--pg-ceiling", "--pg-ceiling-only", "--dedup", "--help", "-h" -> true;
        default -> false;
      };
      if (flag && inline != null) {
        throw new Invalid(name + " takes no value");
      }
      if (flag) {
        switch (name) {
          case "--persistent" -> persistentSeen = true;
          case "--transient" -> transientSeen = true;
          case "--pg-ceiling" -> b.pgCeiling = true;
          case "--pg-ceiling-only" -> b.pgCeilingOnly = true;
          case "--dedup" -> b.dedup = true;
          default -> b.help = true;
        }
        continue;
      }
      if (!name.startsWith("-")) {
        throw new Invalid("unexpected argument '" + arg + "'");
      }
      String value = inline;
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new Invalid(name + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "--url" -> b.url = url(value);
        case "--login" -> b.login = value;
        case "--passcode" -> b.passcode = value;
        case "--producers" -> b.producers = integer(name, value, 1, 10_000);
        case "--consumers" -> b.consumers = integer(name, value, 1, 10_000);
        case "--queues" -> {
          b.queues = integer(name, value, 1, 10_000);
          queuesSeen = true;
        }
        case "--size" -> b.size = integer(name, value, MIN_SIZE, 64 << 20);
        case "--confirm-window" -> b.confirmWindow = integer(name, value, 1, 100_000);
        case "--ack" -> b.ack = ack(value);
        case "--prefetch" -> b.prefetch = integer(name, value, 1, 65_535);
        case "--fanout" -> b.fanout = integer(name, value, 1, 1_000);
        case "--rate" -> b.rate = integer(name, value, 1, 100_000_000);
        case "--duration" -> b.duration = integer(name, value, 2, 86_400);
        case "--scrape" -> b.scrape = scrape(value);
        case "--scrape-interval" -> b.scrapeIntervalMs = millis(name, value, 10, 60_000);
        case "--scrape-alternate" -> b.scrapeAlternateS = integer(name, value.endsWith("s")
            ? value.substring(0, value.length() - 1) : value, 1, 3600);
        case "--samples" -> b.samples = value;
        case "--sample-interval" -> b.sampleIntervalS = integer(name, value.endsWith("s")
            ? value.substring(0, value.length() - 1) : value, 1, 3600);
        default -> throw new Invalid("unknown option '" + name + "'");
      }
    }
    if (persistentSeen && transientSeen) {
      throw new Invalid("--persistent and --transient exclude each other");
    }
    if (queuesSeen && b.fanout > 0) {
      throw new Invalid("--queues and --fanout exclude each other (--fanout N declares N queues)");
    }
    if ((b.login != null || b.passcode != null) && !isWebSocket(b.url)) {
      throw new Invalid("--login and --passcode go with --url ws://… (STOMP over WebSocket)");
    }
    b.pgCeiling |= b.pgCeilingOnly;
    if (b.pgCeiling && b.url != null) {
      throw new Invalid("--pg-ceiling measures the PostgreSQL of an in-process broker; leave out --url to use it");
    }
    if (b.scrape != null && b.pgCeilingOnly) {
      throw new Invalid("--scrape goes with a broker run, not --pg-ceiling-only");
    }
    if (b.scrapeAlternateS > 0 && b.scrape == null) {
      throw new Invalid("--scrape-alternate goes with --scrape");
    }
    if (b.scrapeAlternateS > 0 && b.duration < 2 * b.scrapeAlternateS) {
      throw new Invalid("--scrape-alternate " + b.scrapeAlternateS + " needs a --duration of at least "
          + 2 * b.scrapeAlternateS + " s, one phase without and one with scraping");
    }
    if (b.samples != null && (b.url != null || b.pgCeilingOnly)) {
      throw new Invalid("--samples reads the PostgreSQL of an in-process broker run; leave out --url and"
          + " --pg-ceiling-only");
    }
    if (b.samples != null && b.duration < 2 * b.sampleIntervalS) {
      throw new Invalid("--samples needs a --duration of at least two sample intervals ("
          + 2 * b.sampleIntervalS + " s)");
    }
    if (b.dedup && (b.url != null || b.pgCeilingOnly)) {
      throw new Invalid("--dedup declares the queues of an in-process broker run; leave out --url and --pg-ceiling-only");
    }
    b.persistent = !transientSeen;
    return b.build();
  }

  /** Whether {@code url} is a STOMP-over-WebSocket broker ({@code ws://} or {@code wss://}). */
  static boolean isWebSocket(String url) {
    return url != null && scheme(url).startsWith("ws");
  }

  private static String scheme(String url) {
    String scheme = URI.create(url).getScheme();
    return scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
  }

  private static int integer(String name, String value, int min, int max) {
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new Invalid(name + " needs a whole number, got '" + value + "'");
    }
    if (n < min || n > max) {
      throw new Invalid(name + " must be between " + min + " and " + max + ", got " + n);
    }
    return (int) n;
  }

  /** Milliseconds: {@code 250}, {@code 250ms} or {@code 2s}. */
  private static int millis(String name, String value, int min, int max) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    int scale = 1;
    if (v.endsWith("ms")) {
      v = v.substring(0, v.length() - 2);
    } else if (v.endsWith("s")) {
      v = v.substring(0, v.length() - 1);
      scale = 1000;
    }
    long n;
    try {
      n = Long.parseLong(v.trim()) * scale;
    } catch (NumberFormatException e) {
      throw new Invalid(name + " needs a duration such as 100ms or 1s, got '" + value + "'");
    }
    if (n < min || n > max) {
      throw new Invalid(name + " must be between " + min + " ms and " + max + " ms, got " + n + " ms");
    }
    return (int) n;
  }

  private static String scrape(String value) {
    if (value.startsWith("/")) {
      return value;
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new Invalid("--scrape is not a URL: '" + value + "'");
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new Invalid("--scrape must be http://host:port/path or a path such as /metrics, got '" + value + "'");
    }
    return value;
  }

  private static Ack ack(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "auto" -> Ack.AUTO;
      case "client" -> Ack.CLIENT;
      default -> throw new Invalid("--ack must be auto or client, got '" + value + "'");
    };
  }

  private static String url(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new Invalid("--url is not a URL: '" + value + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme) || uri.getHost() == null) {
      throw new Invalid("--url must be ws://host:port/… (STOMP over WebSocket) or http://host:port/…, got '"
          + value + "'");
    }
    return value;
  }

  private static final class Builder {
    String url = DEFAULTS.url;
    String login = DEFAULTS.login;
    String passcode = DEFAULTS.passcode;
    int producers = DEFAULTS.producers;
    int consumers = DEFAULTS.consumers;
    int queues = DEFAULTS.queues;
    int size = DEFAULTS.size;
    boolean persistent = DEFAULTS.persistent;
    int confirmWindow = DEFAULTS.confirmWindow;
    Ack ack = DEFAULTS.ack;
    int prefetch = DEFAULTS.prefetch;
    int fanout = DEFAULTS.fanout;
    long rate = DEFAULTS.rate;
    int duration = DEFAULTS.duration;
    boolean pgCeiling;
    boolean pgCeilingOnly;
    String scrape = DEFAULTS.scrape;
    int scrapeIntervalMs = DEFAULTS.scrapeIntervalMs;
    int scrapeAlternateS = DEFAULTS.scrapeAlternateS;
    String samples = DEFAULTS.samples;
    int sampleIntervalS = DEFAULTS.sampleIntervalS;
    boolean dedup;
    boolean help;

    BenchOptions build() {
      return new BenchOptions(url, login, passcode, producers, consumers, queues, size, persistent, confirmWindow, ack,
          prefetch, fanout, rate, duration, pgCeiling, pgCeilingOnly, scrape, scrapeIntervalMs,
          scrapeAlternateS, samples, sampleIntervalS, dedup, help);
    }
  }
}
