package io.junctionmq.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * One timed run against a target: declares the queues {@code bench-<runid>-<i>} (and a
 * fanout exchange), starts consumers then producers, reports every second, stops the
 * producers after the duration, lets the consumers drain for at most {@link #DRAIN_S}
 * seconds and deletes what it declared. Blocks its caller, which must not be an event loop;
 * every wait is bounded.
 */
final class BrokerRun {
  static final int DRAIN_S = 10;
  private static final long SETUP_TIMEOUT_S = 30;

  private final Vertx vertx;
  private final BenchTarget target;
  private final BenchOptions options;
  private final String runId;
  private final byte[] template;
  private final PrintStream out;
  private final List<String> queues;
  private final String exchange;
  private final Stats stats;
  private final List<String> consumers = new ArrayList<>();
  private final List<String> producers = new ArrayList<>();
  private Scraper alternated;
  private Soak soak;

  BrokerRun(Vertx vertx, BenchTarget target, BenchOptions options, String runId, byte[] template, PrintStream out) {
    this.vertx = vertx;
    this.target = target;
    this.options = options;
    this.runId = runId;
    this.template = template;
    this.out = out;
    this.queues = IntStream.range(0, options.queueCount()).mapToObj(i -> "bench-" + runId + "-" + i).toList();
    this.exchange = options.fanout() > 0 ? target.fanoutExchange("bench-" + runId + "-fanout") : "";
    this.stats = new Stats(options.copies());
  }

  /**
   * Makes the run alternate phases of {@code --scrape-alternate} seconds without and with
   * {@code scraper} scraping, starting without, and report the two rates.
   */
  BrokerRun alternating(Scraper scraper) {
    this.alternated = scraper;
    return this;
  }

  /** Makes the run hand {@code soak} the figures of every sample interval. */
  BrokerRun sampling(Soak soak) {
    this.soak = soak;
    return this;
  }

  Stats.Result run() throws Exception {
    try {
      declare();
      startClients();
      long t0 = System.nanoTime();
      for (int t = 1; t <= options.duration(); t++) {
        if (alternated != null) {
          int phase = (t - 1) / options.scrapeAlternateS();
          alternated.pause(phase % 2 == 0);
          stats.phase(phase);
        }
        sleepUntil(t0 + t * 1_000_000_000L);
        out.println(stats.tick(t));
        if (soak != null && t % soak.intervalS() == 0) {
          soak.sample(t, stats.window());
        }
      }
      stats.endOfPublishing();
      if (alternated != null) {
        alternated.pause(true);
      }
      undeploy(producers);
      drain(t0);
      out.printf("bench: %d confirmed publishes, %d failed; %d deliveries, %d ack failures; %d copies not received%n",
          stats.sent(), stats.publishFailures(), stats.receivedCount(), stats.ackFailures(), stats.backlog());
      String alternation = stats.alternation();
      if (alternation != null) {
        out.println(alternation);
      }
      return stats.result();
    } finally {
      cleanUp();
    }
  }

  private void declare() throws Exception {
    boolean durable = options.persistent();
    var declared = new ArrayList<Future<Void>>();
    for (String q : queues) {
      declared.add(target.declareQueue(q, durable));
    }
    Future.all(declared).await(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    if (!exchange.isEmpty()) {
      target.declareFanout(exchange, durable, queues).await(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    }
  }

  private void startClients() throws Exception {
    var clock = LatencyClock.of(target);
    boolean autoAck = options.ack() == BenchOptions.Ack.AUTO;
    deploy(consumers, IntStream.range(0, options.consumerCount()).mapToObj(j -> new ConsumerVerticle(
        target, stats, clock, queues.get(j % queues.size()), options.prefetch(), autoAck)).toList());
    List<String> keys = exchange.isEmpty() ? queues : List.of("");
    double rate = (double) options.rate() / options.producers();
    stats.start();
    deploy(producers, IntStream.range(0, options.producers()).mapToObj(i -> new ProducerVerticle(
        target, stats, clock, exchange, keys, i, options.persistent(), options.confirmWindow(), rate, template))
        .toList());
  }

  /** Ticks on after publishing stopped until every confirmed copy arrived or time is up. */
  private void drain(long t0) throws InterruptedException {
    long deadline = System.nanoTime() + DRAIN_S * 1_000_000_000L;
    int t = options.duration();
    long nextTick = t0 + (t + 1) * 1_000_000_000L;
    while (stats.backlog() > 0 && System.nanoTime() < deadline) {
      sleepUntil(Math.min(nextTick, System.nanoTime() + 20_000_000L));
      if (System.nanoTime() >= nextTick) {
        out.println(stats.tick(++t));
        nextTick += 1_000_000_000L;
      }
    }
  }

  private void deploy(List<String> ids, List<? extends VerticleBase> verticles) throws Exception {
    var deployed = new ArrayList<Future<String>>();
    for (var v : verticles) {
      deployed.add(vertx.deployVerticle(v));
    }
    try {
      Future.all(deployed).await(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    } finally {
      deployed.stream().filter(Future::succeeded).forEach(f -> ids.add(f.result()));
    }
  }

  private void undeploy(List<String> ids) {
    var undeployed = new ArrayList<Future<Void>>();
    for (String id : List.copyOf(ids)) {
      undeployed.add(vertx.undeploy(id));
    }
    ids.clear();
    await(Future.join(undeployed), "stopping producers and consumers");
  }

  private void cleanUp() {
    undeploy(producers);
    undeploy(consumers);
    var deleted = new ArrayList<Future<Void>>();
    for (String q : queues) {
      deleted.add(target.deleteQueue(q));
    }
    await(Future.join(deleted), "deleting the queues");
    if (!exchange.isEmpty()) {
      await(target.deleteExchange(exchange), "deleting the exchange");
    }
  }

  private void await(Future<?> future, String what) {
    try {
      future.await(SETUP_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      out.println("bench: " + what + " failed: " + e.getMessage());
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long ms = (nanos - System.nanoTime()) / 1_000_000;
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }
}
