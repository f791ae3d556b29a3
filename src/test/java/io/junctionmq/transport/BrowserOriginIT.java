package io.junctionmq.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.junctionmq.config.JunctionConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Which pages may use the broker from a browser. Two tiny servers give pages of two other
 * origins on loopback, one listed in {@code ws.allowed-origins} and {@code http.cors.allowed-origins},
 * one not; headless Chromium opens {@code /ws} and calls {@code /api} from each and from the
 * broker's own origin. Clients that are no browser send no {@code Origin} and are let through.
 */
class BrowserOriginIT {
  private static final String PAGE = "<!doctype html><title>another origin</title><p>a page of another origin</p>";
  private static Vertx pages;
  private static String listed;
  private static String stranger;
  private static TestNode node;
  private static HttpClient http;
  private static JsonObject browser;

  @BeforeAll
  static void start() {
    pages = Vertx.vertx();
    listed = "http://localhost:" + pageServer();
    stranger = "http://localhost:" + pageServer();
    node = TestNode.start(Map.of("ws.allowed-origins", listed, "http.cors.allowed-origins", listed));
    http = node.vertx().createHttpClient();
  }

  private static int pageServer() {
    return pages.createHttpServer()
        .requestHandler(req -> req.response().putHeader("Content-Type", "text/html").end(PAGE))
        .listen(0, "127.0.0.1").await().actualPort();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    pages.close().await();
  }

  /** Chromium's view from the broker's own page, the listed origin's and the stranger's; run once. */
  private static synchronized JsonObject browser() {
    if (browser == null) {
      NodeScript.assumeChromium();
      var result = NodeScript.run("origin-browser.mjs", Map.of("BROKER", node.httpUrl(),
          "PAGES", new JsonArray(List.of(node.httpUrl() + "/health", listed + "/", stranger + "/")).encode()),
          Duration.ofSeconds(90));
      assertEquals(0, result.exitCode(), result.output());
      String[] lines = result.output().trim().split("\n");
      browser = new JsonObject(lines[lines.length - 1]);
    }
    return browser;
  }

  private static boolean queueExists(String name) {
    return node.broker().queueInfo("/", name).transform(ar -> io.vertx.core.Future.succeededFuture(ar.succeeded()))
        .await();
  }

  @Test
  void inChromiumOnlyPagesOfTheBrokersOwnOriginAndOfAListedOneOpenWs() {
    var seen = browser();

    assertEquals("open", seen.getJsonObject(node.httpUrl() + "/health").getString("ws"), seen.encode());
    assertEquals("open", seen.getJsonObject(listed + "/").getString("ws"), seen.encode());
    assertEquals("refused 403", seen.getJsonObject(stranger + "/").getString("ws"), seen.encode());
  }

  @Test
  void inChromiumOnlyAListedOriginCallsTheApiAcrossOrigins() {
    var seen = browser();
    var own = seen.getJsonObject(node.httpUrl() + "/health");
    var fromListed = seen.getJsonObject(listed + "/");
    var fromStranger = seen.getJsonObject(stranger + "/");

    assertEquals(201, own.getInteger("api"), seen.encode());
    assertEquals(201, fromListed.getInteger("api"), seen.encode());
    assertEquals("blocked", fromStranger.getString("api"), seen.encode());
    assertTrue(queueExists(fromListed.getString("queue")));
    assertFalse(queueExists(fromStranger.getString("queue")), "the preflight failed, so the PUT was never sent");
  }

  @Test
  void aRefusedHandshakeGets403WithTheReasonAndAnAuthDeniedLogLine() {
    var logger = (Logger) LoggerFactory.getLogger(BrowserOrigins.class);
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    logger.addAppender(appender);
    try {
      var response = send(HttpMethod.GET, "/ws", MultiMap.caseInsensitiveMultiMap().add("Origin", stranger)
          .add("Connection", "Upgrade").add("Upgrade", "websocket").add("Sec-WebSocket-Version", "13")
          .add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").add("Sec-WebSocket-Protocol", "v12.stomp"));

      assertEquals(403, response.status());
      String reason = "origin '" + stranger + "' may not open /ws (ws.allowed-origins)";
      assertEquals(new JsonObject().put("error", "access_refused").put("reason", reason), new JsonObject(response.body()));
      var fields = appender.list.get(0).getKeyValuePairs().stream()
          .collect(Collectors.toMap(kv -> kv.key, kv -> String.valueOf(kv.value)));
      assertEquals("auth.denied", fields.get("event"));
      assertEquals(reason, fields.get("reason"));
      assertEquals(stranger, fields.get("origin"));
      assertTrue(fields.get("remote").startsWith("127.0.0.1:"), fields.toString());
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void aClientThatIsNoBrowserSendsNoOriginAndConnects() {
    var client = node.vertx().createWebSocketClient();
    try {
      var ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.httpPort())
          .setURI("/ws").addSubProtocol("v12.stomp").setAllowOriginHeader(false)).await();
      assertEquals("v12.stomp", ws.subProtocol());
      ws.close().await();
    } finally {
      client.close().await();
    }
  }

  @Test
  void aPreflightFromAListedOriginGetsTheCorsHeadersAndFromAnotherA403() {
    var preflight = MultiMap.caseInsensitiveMultiMap().add("Access-Control-Request-Method", "PUT")
        .add("Access-Control-Request-Headers", "content-type,x-header-tenant");

    var allowed = send(HttpMethod.OPTIONS, "/api/queues/%2F/q", MultiMap.caseInsensitiveMultiMap()
        .addAll(preflight).add("Origin", listed));
    var refused = send(HttpMethod.OPTIONS, "/api/queues/%2F/q", MultiMap.caseInsensitiveMultiMap()
        .addAll(preflight).add("Origin", stranger));

    assertEquals(204, allowed.status());
    assertEquals(listed, allowed.headers().get("Access-Control-Allow-Origin"));
    assertTrue(allowed.headers().get("Access-Control-Allow-Methods").contains("PUT"), allowed.headers().toString());
    assertEquals("content-type,x-header-tenant", allowed.headers().get("Access-Control-Allow-Headers"));
    assertEquals("600", allowed.headers().get("Access-Control-Max-Age"));
    assertEquals(403, refused.status());
    assertNull(refused.headers().get("Access-Control-Allow-Origin"));
    assertEquals("access_refused", new JsonObject(refused.body()).getString("error"));
  }

  @Test
  void aListedOriginsCallsAreAnsweredWithItsOriginWhileSameOriginAndOriginlessOnesGetNoCorsHeaders() {
    var fromListed = send(HttpMethod.GET, "/api/overview", MultiMap.caseInsensitiveMultiMap().add("Origin", listed));
    var sameOrigin = send(HttpMethod.GET, "/api/overview",
        MultiMap.caseInsensitiveMultiMap().add("Origin", node.httpUrl()));
    var originless = send(HttpMethod.GET, "/api/overview", MultiMap.caseInsensitiveMultiMap());

    assertEquals(200, fromListed.status());
    assertEquals(listed, fromListed.headers().get("Access-Control-Allow-Origin"));
    assertEquals(200, sameOrigin.status());
    assertNull(sameOrigin.headers().get("Access-Control-Allow-Origin"));
    assertEquals(200, originless.status());
    assertNull(originless.headers().get("Access-Control-Allow-Origin"));
  }

  @Test
  void withoutAllowedOriginsCorsIsOffAndOnlyTheServersOwnPagesOpenWs() {
    Vertx vertx = Vertx.vertx();
    try {
      var config = JunctionConfig.defaults().with(Map.of("http.host", "127.0.0.1", "http.port", 0));
      WebServer web = WebServer.listen(vertx, config).await();
      web.router().route("/api/*").handler(ctx -> ctx.end("api"));
      web.router().route("/ws").handler(ctx -> ctx.end("ws"));
      web.ready();
      var client = vertx.createHttpClient();
      String self = "http://127.0.0.1:" + web.port();

      var preflight = send(client, web.port(), HttpMethod.OPTIONS, "/api/overview", MultiMap.caseInsensitiveMultiMap()
          .add("Origin", listed).add("Access-Control-Request-Method", "PUT"));
      var ownWs = send(client, web.port(), HttpMethod.GET, "/ws", MultiMap.caseInsensitiveMultiMap().add("Origin", self));
      var otherWs = send(client, web.port(), HttpMethod.GET, "/ws",
          MultiMap.caseInsensitiveMultiMap().add("Origin", listed));

      assertNull(preflight.headers().get("Access-Control-Allow-Origin"), preflight.headers().toString());
      assertEquals("api", preflight.body());
      assertEquals(200, ownWs.status());
      assertEquals(403, otherWs.status());
      web.close().await();
    } finally {
      vertx.close().await();
    }
  }

  private record Response(int status, MultiMap headers, String body) {
  }

  private static Response send(HttpMethod method, String uri, MultiMap headers) {
    return send(http, node.httpPort(), method, uri, headers);
  }

  private static Response send(HttpClient client, int port, HttpMethod method, String uri, MultiMap headers) {
    return client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri)
            .setHeaders(headers))
        .compose(req -> req.send().compose((HttpClientResponse resp) -> resp.body()
            .map(body -> new Response(resp.statusCode(), resp.headers(), body.toString()))))
        .await();
  }
}
