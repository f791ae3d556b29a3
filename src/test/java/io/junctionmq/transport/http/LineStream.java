package io.junctionmq.transport.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.parsetools.RecordParser;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A streamed HTTP response read line by line with the Vert.x client, so that a test can pause
 * reading (TCP backpressure), resume, and disconnect.
 */
final class LineStream implements AutoCloseable {
  private final HttpClient client;
  private final HttpClientResponse response;
  private final RecordParser parser;
  private final Context context;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  final AtomicBoolean ended = new AtomicBoolean();

  private LineStream(HttpClient client, HttpClientResponse response) {
    this.client = client;
    this.response = response;
    this.context = Vertx.currentContext();
    this.parser = RecordParser.newDelimited("\n", response);
    parser.handler(b -> lines.add(b.toString()));
    parser.endHandler(v -> ended.set(true));
    parser.exceptionHandler(e -> ended.set(true));
  }

  /** GETs {@code uri} on the local {@code port} with this Accept header; completes when the head is in. */
  static LineStream open(Vertx vertx, int port, String uri, String accept) {
    HttpClient client = vertx.createHttpClient();
    var options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri);
    if (accept != null) {
      options.putHeader("Accept", accept);
    }
    // The parser is set up on the event loop as the head arrives, before any of the body.
    return client.request(options).compose(r -> r.send()).map(response -> new LineStream(client, response)).await();
  }

  int status() {
    return response.statusCode();
  }

  String header(String name) {
    return response.getHeader(name);
  }

  /** The next line, waiting up to {@code timeout}; null if none came. */
  String next(Duration timeout) {
    try {
      return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The next line that is not empty (SSE separates events with blank lines). */
  String nextNonEmpty(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String line = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (line != null && !line.isEmpty()) {
        return line;
      }
    }
    return null;
  }

  int buffered() {
    return lines.size();
  }

  /**
   * Stops reading. The parser is paused, not the response under it: a parser with demand
   * resumes its stream whenever it runs out of lines, which would undo a pause of the response.
   * It runs on the response's event loop, as the parser is not thread-safe; returns once done.
   */
  void pause() {
    onContext(parser::pause);
  }

  void resume() {
    onContext(parser::resume);
  }

  private void onContext(Runnable action) {
    var done = new CompletableFuture<Void>();
    context.runOnContext(v -> {
      action.run();
      done.complete(null);
    });
    done.orTimeout(10, TimeUnit.SECONDS).join();
  }

  @Override
  public void close() {
    client.close().await();
  }
}
