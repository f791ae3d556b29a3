package io.junctionmq.bench;

import io.junctionmq.config.ConfigException;
import io.junctionmq.config.ConfigLoader;
import io.junctionmq.config.JunctionConfig;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.store.MessageCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code junction bench}: measures confirmed publish and consume throughput and
 * publish-to-delivery latency, and optionally what PostgreSQL alone sustains (the pg
 * ceiling). Options and output are described in docs/benchmarks.md.
 */
public final class Bench {
  private static final long START_TIMEOUT_S = 120;
  private static final int CEILING_MAX_S = 10;

  private Bench() {
  }

  /** Runs the benchmark with the process's streams; returns the exit code. */
  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  /** Runs the benchmark writing everything to {@code out}; returns the exit code. */
  public static int run(String[] args, PrintStream out) {
    return run(args, out, out);
  }

  /**
   * Runs the benchmark; blocks for about the duration plus at most {@value BrokerRun#DRAIN_S}
   * seconds of draining. Never call it on an event loop. Returns 0 after a run, 1 when the
   * run failed or moved no message, 2 for bad options or configuration.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.Invalid e) {
      err.println("bench: " + e.getMessage());
      err.println(BenchOptions.USAGE);
      return 2;
    }
    if (options.help()) {
      out.println(BenchOptions.USAGE);
      return 0;
    }
    if (options.url() != null && options.url().toLowerCase(Locale.ROOT).startsWith("https")) {
      err.println("bench: --url " + options.url() + ": the HTTP driver speaks plain http:// only");
      return 2;
    }
    JunctionConfig config = null;
    if (options.url() == null) {
      try {
        config = ConfigLoader.load();
      } catch (ConfigException e) {
        err.println("bench: " + e.getMessage());
        return 2;
      }
    }
    Vertx vertx = Vertx.vertx();
    try {
      return config == null ? measureRemote(vertx, options, out) : measure(vertx, config, options, out);
    } catch (StompClient.StompError e) {
      err.println("bench: failed: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      err.println("bench: failed: " + e);
      return 1;
    } finally {
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        err.println("bench: closing Vert.x: " + e.getMessage());
      }
    }
  }

  /** A broker in another process, reached with STOMP over WebSocket or HTTP: no PostgreSQL here. */
  private static int measureRemote(Vertx vertx, BenchOptions o, PrintStream out) throws Exception {
    String runId = runId();
    out.println("bench: run " + runId + ", broker at " + o.url());
    Future<BenchTarget> connected = BenchOptions.isWebSocket(o.url())
        ? StompWsTarget.connect(vertx, o, warning -> out.println("bench: " + warning))
        : HttpTarget.connect(vertx, URI.create(o.url()));
    BenchTarget target = connected.await(START_TIMEOUT_S, TimeUnit.SECONDS);
    Stats.Result result;
    try {
      out.println("bench: " + target.description() + "; " + describe(o));
      URI http = URI.create(o.url());
      String base = "http://" + http.getHost() + (http.getPort() > 0 ? ":" + http.getPort() : "");
      result = runScraped(vertx, o, base, new BrokerRun(vertx, target, o, runId, body(o, runId), out), out);
    } finally {
      target.close().await(30, TimeUnit.SECONDS);
    }
    out.println(result.line());
    return result.sent() > 0 && result.received() > 0 ? 0 : 1;
  }

  private static int measure(Vertx vertx, JunctionConfig config, BenchOptions o, PrintStream out) throws Exception {
    String runId = runId();
    byte[] template = body(o, runId);
    try (BenchDatabase db = BenchDatabase.open(vertx, config)) {
      out.println("bench: run " + runId + ", store: " + db.description());
      double ceiling = 0;
      if (o.pgCeiling()) {
        int seconds = Math.min(o.duration(), CEILING_MAX_S);
        byte[] props = MessageCodec.encodeEnvelope("", "bench-" + runId + "-0", MessageProperties.PERSISTENT);
        ceiling = PgCeiling.run(vertx, db.uri(), runId, props, template, seconds, out);
      }
      Stats.Result result = null;
      if (o.brokerRun()) {
        var brokerConfig = config.with(Map.of("pg.uri", db.uri(), "node.id", "bench-" + runId,
            "http.port", 0, "stomp.port", 0));
        InProcessTarget target = InProcessTarget.start(vertx, brokerConfig, o.dedup()).await(START_TIMEOUT_S, TimeUnit.SECONDS);
        Soak soak = o.samples() == null ? null : Soak.open(vertx, db.uri(), Path.of(o.samples()), o.sampleIntervalS(), out);
        try {
          out.println("bench: " + target.description() + "; " + describe(o));
          var run = new BrokerRun(vertx, target, o, runId, template, out).sampling(soak);
          result = runScraped(vertx, o, target.httpUrl(), run, out);
          if (soak != null) {
            soak.finish();
          }
        } finally {
          if (soak != null) {
            soak.close();
          }
          target.close().await(30, TimeUnit.SECONDS);
        }
      }
      if (result != null && o.pgCeiling() && ceiling > 0) {
        out.printf(Locale.ROOT, "bench: broker received %.0f msg/s, %.0f%% of the pg ceiling%n",
            result.received(), 100 * result.received() / ceiling);
      }
      if (o.pgCeiling()) {
        out.printf(Locale.ROOT, "RESULT pg-ceiling=%.0f%n", ceiling);
      }
      if (result != null) {
        out.println(result.line());
      }
      boolean moved = result == null ? ceiling > 0 : result.sent() > 0 && result.received() > 0;
      return moved ? 0 : 1;
    }
  }

  /**
   * Runs {@code run}, scraping {@code --scrape} meanwhile when it is set (a path is taken on
   * {@code brokerHttp}, the driven broker's HTTP server), and prints what the scrapes did.
   */
  private static Stats.Result runScraped(Vertx vertx, BenchOptions o, String brokerHttp, BrokerRun run,
                                         PrintStream out) throws Exception {
    if (o.scrape() == null) {
      return run.run();
    }
    URI url = URI.create(o.scrape().startsWith("/") ? brokerHttp + o.scrape() : o.scrape());
    var scraper = new Scraper(url, o.scrapeIntervalMs());
    // An alternating run starts with a phase without scraping, set up included.
    scraper.pause(o.scrapeAlternateS() > 0);
    String id = vertx.deployVerticle(scraper).await(START_TIMEOUT_S, TimeUnit.SECONDS);
    try {
      return o.scrapeAlternateS() > 0 ? run.alternating(scraper).run() : run.run();
    } finally {
      vertx.undeploy(id).await(30, TimeUnit.SECONDS);
      out.println(scraper.summary().lines());
    }
  }

  private static String runId() {
    return String.format("%08x", ThreadLocalRandom.current().nextInt());
  }

  /** Incompressible bodies, so that neither PostgreSQL nor TOAST (nor WebSocket deflate) gets an easy time. */
  private static byte[] body(BenchOptions o, String runId) {
    byte[] template = new byte[o.size()];
    new Random(runId.hashCode()).nextBytes(template);
    return template;
  }

  private static String describe(BenchOptions o) {
    String shape = o.fanout() > 0
        ? "fanout exchange to " + o.fanout() + " queues"
        : o.queues() + " queue(s)";
    String consumers = o.consumerCount() > o.consumers()
        ? o.consumerCount() + " consumers (one per queue at least)"
        : o.consumers() + " consumer(s)";
    return String.format(Locale.ROOT,
        "%s, %s queues, %d producer(s), %s, %s, body %d bytes, confirm window %d, ack %s, prefetch %d,"
            + " rate %s, %d s; the first %d s are warm-up, left out of RESULT",
        o.persistent() ? "persistent messages" : "transient messages", o.persistent() ? "durable" : "non-durable",
        o.producers(), consumers, shape, o.size(), o.confirmWindow(),
        o.ack() == BenchOptions.Ack.AUTO ? "auto" : "client (one per message)", o.prefetch(),
        o.rate() > 0 ? o.rate() + " msg/s" : "unlimited", o.duration(), Stats.WARMUP_SECONDS);
  }
}
