package io.junctionmq.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Locale;

/**
 * Scrapes a metrics URL every interval during a run, as Prometheus would, to measure what
 * scraping costs the broker. A scrape still in flight when the next is due makes that one
 * skipped, so that there is never more than one request at a time. While {@link #pause paused}
 * it scrapes nothing. Everything runs on the verticle's context; {@link #summary()} is read
 * after it is undeployed.
 */
final class Scraper extends VerticleBase {
  private static final long TIMEOUT_MS = 10_000;

  /** What the scrapes did: durations in milliseconds, size of the last body in bytes. */
  record Summary(String url, long intervalMs, long ok, long failed, long skipped, double meanMs, double maxMs,
                 long bytes) {
    String lines() {
      return String.format(Locale.ROOT,
          "bench: scraped %s every %d ms: %d ok, %d failed, %d skipped (still in flight); mean %.3f ms, max %.3f ms,"
              + " %d KiB%nSCRAPES ok=%d failed=%d mean=%.3f max=%.3f",
          url, intervalMs, ok, failed, skipped, meanMs, maxMs, bytes / 1024, ok, failed, meanMs, maxMs);
    }
  }

  private final URI url;
  private final long intervalMs;
  private HttpClient client;
  private long timer;
  private boolean inFlight;
  private volatile boolean paused;
  private Promise<Void> stopped;
  private long ok;
  private long failed;
  private long skipped;
  private long totalNanos;
  private long maxNanos;
  private long bytes;
  private volatile Summary summary;

  Scraper(URI url, long intervalMs) {
    this.url = url;
    this.intervalMs = intervalMs;
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    timer = vertx.setPeriodic(intervalMs, t -> scrape());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    stopped = Promise.promise();
    if (!inFlight) {
      stopped.complete();
    }
    return stopped.future().eventually(() -> client.close()).onComplete(ar -> summary = summarize());
  }

  /** Stops (true) or resumes (false) scraping, from any thread. */
  void pause(boolean pause) {
    paused = pause;
  }

  Summary summary() {
    return summary;
  }

  private void scrape() {
    if (paused) {
      return;
    }
    if (inFlight) {
      skipped++;
      return;
    }
    inFlight = true;
    long started = System.nanoTime();
    var options = new RequestOptions().setMethod(HttpMethod.GET).setHost(url.getHost())
        .setPort(url.getPort() > 0 ? url.getPort() : 80).setURI(url.getRawPath()).setTimeout(TIMEOUT_MS);
    client.request(options)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode() == 200 && body.length() > 0
            ? body.length() : -1))
        .onComplete(ar -> {
          inFlight = false;
          long took = System.nanoTime() - started;
          if (ar.succeeded() && ar.result() > 0) {
            ok++;
            totalNanos += took;
            maxNanos = Math.max(maxNanos, took);
            bytes = ar.result();
          } else {
            failed++;
          }
          if (stopped != null) {
            stopped.tryComplete();
          }
        });
  }

  private Summary summarize() {
    return new Summary(url.toString(), intervalMs, ok, failed, skipped, ok == 0 ? 0 : totalNanos / 1e6 / ok,
        maxNanos / 1e6, bytes);
  }
}
