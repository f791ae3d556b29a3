package io.junctionmq.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.parsetools.RecordParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Junction broker driven over its HTTP API: declarations through the management calls,
 * publishes as one streaming NDJSON upload per producer (a confirmation line comes back per
 * message, in order), consumers as NDJSON streams with manual acks ({@code POST
 * /api/consumers/{id}/ack}) or auto ack. Acks that gather while one ack call is out go in
 * the next call, cumulatively only when every earlier delivery is acked too.
 */
final class HttpTarget implements BenchTarget {
  private static final String VHOST = "%2F";
  private static final String NDJSON = "application/x-ndjson";
  private static final byte[] LINE_END = "\"}\n".getBytes(StandardCharsets.UTF_8);

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final String host;
  private final int port;
  private final Map<Context, Map<String, Upload>> uploads = new ConcurrentHashMap<>();
  private final List<Stream> streams = new ArrayList<>();

  private HttpTarget(Vertx vertx, URI url) {
    this.vertx = vertx;
    this.host = url.getHost();
    this.port = url.getPort() > 0 ? url.getPort() : 80;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(256));
  }

  /** Checks that the broker answers {@code GET /api/overview}; completes with the target. */
  static Future<BenchTarget> connect(Vertx vertx, URI url) {
    var target = new HttpTarget(vertx, url);
    return target.call(HttpMethod.GET, "/api/overview", null, 200)
        .<BenchTarget>map(v -> target)
        .onFailure(e -> target.client.close());
  }

  @Override
  public String description() {
    return "Junction over HTTP at http://" + host + ":" + port
        + " (NDJSON streaming publish, NDJSON streaming consume)";
  }

  @Override
  public boolean sameJvm() {
    return false;
  }

  @Override
  public Future<Void> declareQueue(String name, boolean durable) {
    var body = new JsonObject().put("durable", durable).put("auto_delete", false);
    return call(HttpMethod.PUT, "/api/queues/" + VHOST + "/" + enc(name), body, 201, 204);
  }

  @Override
  public Future<Void> declareFanout(String exchange, boolean durable, List<String> queues) {
    var body = new JsonObject().put("type", "fanout").put("durable", durable);
    return call(HttpMethod.PUT, "/api/exchanges/" + VHOST + "/" + enc(exchange), body, 201, 204).compose(v -> {
      var bound = new ArrayList<Future<Void>>();
      for (String q : queues) {
        bound.add(call(HttpMethod.POST, "/api/bindings/" + VHOST + "/e/" + enc(exchange) + "/q/" + enc(q),
            new JsonObject().put("routing_key", ""), 201));
      }
      return Future.all(bound).mapEmpty();
    });
  }

  @Override
  public Future<Void> publish(String exchange, String routingKey, byte[] body, boolean persistent) {
    Context context = Vertx.currentContext();
    String path = exchange.isEmpty() ? "amq.default" : exchange;
    Upload upload = uploads.computeIfAbsent(context, c -> new ConcurrentHashMap<>())
        .computeIfAbsent(path, Upload::new);
    return upload.publish(routingKey, body, persistent);
  }

  @Override
  public Future<Subscription> consume(String queue, int prefetch, boolean autoAck, DeliveryHandler handler) {
    var stream = new Stream(handler, autoAck);
    synchronized (streams) {
      streams.add(stream);
    }
    String uri = "/api/queues/" + VHOST + "/" + enc(queue) + "/stream?ack=" + (autoAck ? "auto" : "manual")
        + "&prefetch=" + prefetch + "&encoding=base64";
    return stream.open(uri).map(v -> stream);
  }

  @Override
  public Future<Void> deleteQueue(String name) {
    return call(HttpMethod.DELETE, "/api/queues/" + VHOST + "/" + enc(name), null, 204);
  }

  @Override
  public Future<Void> deleteExchange(String name) {
    return call(HttpMethod.DELETE, "/api/exchanges/" + VHOST + "/" + enc(name), null, 204);
  }

  @Override
  public Future<Void> close() {
    for (Map<String, Upload> byExchange : uploads.values()) {
      byExchange.values().forEach(Upload::end);
    }
    synchronized (streams) {
      streams.forEach(s -> s.response.request().connection().close());
    }
    return client.close();
  }

  /** One management call; fails unless the status is one of {@code expected}. */
  private Future<Void> call(HttpMethod method, String uri, JsonObject body, int... expected) {
    return client.request(method, port, host, uri).compose(req -> {
      req.putHeader("Content-Type", "application/json");
      return (body == null ? req.send() : req.send(body.toBuffer()))
          .compose(resp -> resp.body().compose(b -> {
            for (int status : expected) {
              if (resp.statusCode() == status) {
                return Future.<Void>succeededFuture();
              }
            }
            return Future.failedFuture(method + " " + uri + ": HTTP " + resp.statusCode() + " " + b);
          }));
    });
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * One producer's streaming publish to one exchange: a chunked NDJSON request that stays
   * open; confirmation lines come back in order and complete the oldest promise. The lines
   * published in one event-loop turn (a producer refills its window in bursts, as confirms
   * arrive together) go out as one chunk, so a burst costs one write, not one per message.
   */
  private final class Upload {
    private final String exchange;
    private final Context context = Vertx.currentContext();
    private final ArrayDeque<Promise<Void>> unconfirmed = new ArrayDeque<>();
    private final Map<String, byte[]> linePrefixes = new HashMap<>();
    private Future<HttpClientRequest> request;
    private Buffer gathered;
    private String failure;

    Upload(String exchange) {
      this.exchange = exchange;
    }

    Future<Void> publish(String routingKey, byte[] body, boolean persistent) {
      if (failure != null) {
        return Future.failedFuture(failure);
      }
      if (request == null) {
        request = open();
      }
      if (gathered == null) {
        gathered = Buffer.buffer(64 * 1024);
        context.runOnContext(v -> send());
      }
      byte[] prefix = linePrefixes.computeIfAbsent((persistent ? "2" : "1") + routingKey,
          k -> publishLinePrefix(routingKey, persistent));
      gathered.appendBytes(prefix).appendBytes(Base64.getEncoder().encode(body)).appendBytes(LINE_END);
      Promise<Void> confirmed = Promise.promise();
      unconfirmed.addLast(confirmed);
      return confirmed.future();
    }

    private void send() {
      Buffer lines = gathered;
      gathered = null;
      request.onSuccess(req -> req.write(lines))
          .onFailure(e -> fail("publish stream failed: " + e.getMessage()));
    }

    private Future<HttpClientRequest> open() {
      return client.request(HttpMethod.POST, port, host, "/api/exchanges/" + VHOST + "/" + enc(exchange) + "/publish")
          .onSuccess(req -> {
            req.setChunked(true).putHeader("Content-Type", NDJSON).putHeader("Accept", NDJSON);
            req.response().onSuccess(this::answers).onFailure(e -> fail("publish stream failed: " + e.getMessage()));
            req.sendHead();
          });
    }

    private void answers(HttpClientResponse resp) {
      if (resp.statusCode() != 200) {
        resp.body().onComplete(b -> fail("publish stream: HTTP " + resp.statusCode() + " "
            + (b.succeeded() ? b.result() : "")));
        return;
      }
      RecordParser.newDelimited("\n", resp).handler(this::answer).endHandler(v -> fail("publish stream ended"));
    }

    /** One confirmation line: {@code {"line":N,"routed":…}}, an error line, or the summary. */
    private void answer(Buffer line) {
      String text = line.toString(StandardCharsets.UTF_8);
      if (text.startsWith("{\"done\"")) {
        return;
      }
      Promise<Void> p = unconfirmed.pollFirst();
      if (p == null) {
        return;
      }
      if (text.contains("\"error\"")) {
        var answer = new JsonObject(text);
        p.fail(answer.getString("error") + ": " + answer.getString("reason"));
      } else {
        p.complete();
      }
    }

    private void fail(String why) {
      failure = why;
      Promise<Void> p;
      while ((p = unconfirmed.pollFirst()) != null) {
        p.tryFail(why);
      }
    }

    void end() {
      if (request != null) {
        request.onSuccess(req -> req.end());
      }
    }
  }

  /** What a publish line holds before its base64 payload. */
  static byte[] publishLinePrefix(String routingKey, boolean persistent) {
    return ("{\"routing_key\":" + Json.encode(routingKey) + ",\"properties\":{\"delivery_mode\":"
        + (persistent ? 2 : 1) + "},\"payload_encoding\":\"base64\",\"payload\":\"")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A delivery line's tag and body, read without building a JSON object (the stream sends payloads in base64). */
  record StreamedDelivery(long tag, byte[] body) {
    /** The delivery on {@code line}, or null for another event ({@code consumer}, {@code end}). */
    static StreamedDelivery parse(Buffer line) {
      try (JsonParser p = JacksonCodec.createParser(line)) {
        long tag = -1;
        byte[] body = null;
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new DecodeException("a stream line is not a JSON object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          switch (field) {
            case "delivery_tag" -> tag = p.getLongValue();
            case "payload" -> body = p.getBinaryValue();
            default -> p.skipChildren();
          }
        }
        return tag < 0 || body == null ? null : new StreamedDelivery(tag, body);
      } catch (IOException e) {
        throw new DecodeException("a stream line is not valid JSON: " + e.getMessage());
      }
    }
  }

  /** One consumer: an NDJSON stream of deliveries, and its acks. */
  private final class Stream implements Subscription {
    private final DeliveryHandler handler;
    private final boolean autoAck;
    private final TreeSet<Long> outstanding = new TreeSet<>();
    private final List<Long> toAck = new ArrayList<>();
    private final List<Promise<Void>> ackPromises = new ArrayList<>();
    private boolean ackInFlight;
    private String consumerId;
    private HttpClientResponse response;

    Stream(DeliveryHandler handler, boolean autoAck) {
      this.handler = handler;
      this.autoAck = autoAck;
    }

    Future<Void> open(String uri) {
      Promise<Void> ready = Promise.promise();
      client.request(HttpMethod.GET, port, host, uri)
          .compose(req -> req.putHeader("Accept", NDJSON).send())
          .onFailure(ready::tryFail)
          .onSuccess(resp -> {
            if (resp.statusCode() != 200) {
              resp.body().onComplete(b -> ready.tryFail("stream: HTTP " + resp.statusCode() + " "
                  + (b.succeeded() ? b.result() : "")));
              return;
            }
            response = resp;
            if (autoAck) {
              ready.tryComplete();
            }
            RecordParser.newDelimited("\n", resp).handler(line -> {
              if (line.length() == 0) {
                return;
              }
              StreamedDelivery d = StreamedDelivery.parse(line);
              if (d == null) {
                var event = new JsonObject(line);
                if (event.containsKey("consumer")) {
                  consumerId = event.getString("consumer");
                  ready.tryComplete();
                }
                return;
              }
              if (!autoAck) {
                outstanding.add(d.tag());
              }
              handler.handle(d.body(), d.tag());
            });
          });
      return ready.future();
    }

    @Override
    public Future<Void> ack(long deliveryTag) {
      outstanding.remove(deliveryTag);
      toAck.add(deliveryTag);
      Promise<Void> p = Promise.promise();
      ackPromises.add(p);
      if (!ackInFlight) {
        flushAcks();
      }
      return p.future();
    }

    /** One ack call for everything gathered: cumulative when nothing older is still out. */
    private void flushAcks() {
      if (toAck.isEmpty()) {
        return;
      }
      long max = toAck.stream().mapToLong(Long::longValue).max().orElseThrow();
      boolean cumulative = outstanding.isEmpty() || outstanding.first() > max;
      List<Long> tags = cumulative ? List.of(max) : new ArrayList<>(toAck);
      var promises = new ArrayList<>(ackPromises);
      toAck.clear();
      ackPromises.clear();
      ackInFlight = true;
      var calls = new ArrayList<Future<Void>>();
      for (long tag : tags) {
        calls.add(call(HttpMethod.POST, "/api/consumers/" + enc(consumerId) + "/ack",
            new JsonObject().put("delivery_tag", tag).put("multiple", cumulative), 200, 204));
      }
      Future.all(calls).onComplete(ar -> {
        ackInFlight = false;
        for (Promise<Void> p : promises) {
          if (ar.succeeded()) {
            p.complete();
          } else {
            p.fail(ar.cause());
          }
        }
        flushAcks();
      });
    }

    @Override
    public Future<Void> cancel() {
      if (response != null) {
        response.request().connection().close();
      }
      return Future.succeededFuture();
    }
  }
}
