package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.security.TestTokens;
import io.junctionmq.transport.NodeScript;
import io.junctionmq.transport.TestNode;
import io.junctionmq.transport.stomp.RawStompClient;
import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompDecoder;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens on a real node whose signing keys come from a JWK Set this test serves on loopback
 * (RSA and EC key pairs generated here, tokens signed here): HTTP Bearer, the STOMP passcode
 * over TCP and in stock stompjs in headless Chromium, the WebSocket handshake, permissions
 * from scopes, and the connection of an expired token closing. Clients without credentials
 * are refused ({@code auth.anonymous-user} empty), so a login can only be the token's.
 */
class TokenLoginIT {
  private static final String AUDIENCE = "junction";
  private static final KeyPair RSA = TestTokens.rsa();
  private static final KeyPair EC = TestTokens.ec();
  private static final KeyPair ROTATED = TestTokens.rsa();
  private static final String[] ALICE = {"junction.configure:*/alice.*", "junction.write:*/alice.*",
      "junction.write:*/amq.default", "junction.read:*/alice.*", "junction.tag:management"};
  private static final AtomicReference<JsonObject> JWKS = new AtomicReference<>();
  private static final AtomicInteger FETCHES = new AtomicInteger();
  private static Vertx idp;
  private static TestNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    JWKS.set(TestTokens.jwks(List.of(new Object[] {"rsa-1", RSA}, new Object[] {"ec-1", EC})));
    idp = Vertx.vertx();
    HttpServer jwks = idp.createHttpServer().requestHandler(r -> {
      FETCHES.incrementAndGet();
      r.response().putHeader("Content-Type", "application/json").end(JWKS.get().encode());
    }).listen(0, "127.0.0.1").await();
    node = TestNode.start(Map.of("auth.failure-delay", "10ms", "auth.anonymous-user", "",
        "auth.jwt.jwks-url", "http://127.0.0.1:" + jwks.actualPort() + "/certs", "auth.jwt.audience", AUDIENCE,
        "auth.jwt.leeway", "1s"));
    api = new ApiClient(node.httpUrl() + "/api");
  }

  @AfterAll
  static void stop() {
    try {
      node.close();
    } finally {
      idp.close().await();
    }
  }

  private static String token(KeyPair keys, String kid, long expiresIn, String... scopes) {
    return TestTokens.sign(keys, kid, TestTokens.claims("alice", AUDIENCE, expiresIn, scopes));
  }

  private static String alice(long expiresIn) {
    return token(RSA, "rsa-1", expiresIn, ALICE);
  }

  private static ApiClient.Response bearer(String token, String method, String path, Object body) {
    return api.send(method, path, body == null ? null : body.toString(), Map.of("Authorization", "Bearer " + token,
        "Content-Type", "application/json"));
  }

  private static void refusedWithBearerChallenge(ApiClient.Response r, String reason) {
    assertEquals(401, r.status(), r.body());
    assertEquals("Bearer realm=\"Junction\", error=\"invalid_token\"", r.header("WWW-Authenticate"));
    assertEquals(Map.of("error", "access_refused", "reason", reason), r.json().getMap(), r.body());
  }

  private static StompFrame connect(String login, String passcode) {
    var f = StompFrame.builder(StompCommand.CONNECT).header("accept-version", "1.2").header("host", "/")
        .header("heart-beat", "0,0");
    if (login != null) {
      f.header("login", login);
    }
    if (passcode != null) {
      f.header("passcode", passcode);
    }
    return f.build();
  }

  @Test
  void aBearerTokenLogsInOverHttpWithTheTagsOfItsScopes() {
    for (String token : List.of(alice(60), token(EC, "ec-1", 60, ALICE))) {
      var me = bearer(token, "GET", "/whoami", null);
      assertEquals(200, me.status(), me.body());
      assertEquals("alice", me.json().getString("name"));
      assertEquals(new JsonArray().add("management"), me.json().getJsonArray("tags"));
    }
    assertEquals(401, api.get("/whoami").status(), "without credentials: refused");
  }

  @Test
  void aRefusedTokenIsA401WithABearerChallengeAndItsReason() {
    var expired = TestTokens.claims("alice", AUDIENCE, -60, ALICE);
    refusedWithBearerChallenge(bearer(TestTokens.sign(RSA, "rsa-1", expired), "GET", "/whoami", null),
        "login refused: token refused: token expired at " + java.time.Instant.ofEpochSecond(expired.getLong("exp")));
    refusedWithBearerChallenge(bearer(TestTokens.unsigned(TestTokens.claims("alice", AUDIENCE, 60, ALICE)), "GET",
        "/whoami", null), "login refused: token refused: algorithm 'none' is not accepted (RS256, ES256)");
    refusedWithBearerChallenge(bearer(TestTokens.sign(RSA, "rsa-1", TestTokens.claims("alice", "other", 60)), "GET",
        "/whoami", null), "login refused: token refused: the token's audience other, it must include 'junction'");
    refusedWithBearerChallenge(bearer("not-a-token", "GET", "/whoami", null),
        "login refused: token refused: malformed token: a JWT has three parts separated by '.', this one has 1");
  }

  @Test
  void theScopesOfABearerTokenAreItsPermissions() {
    String token = alice(60);
    assertEquals(201, bearer(token, "PUT", "/queues/%2F/alice.http", new JsonObject()).status());
    var published = bearer(token, "POST", "/exchanges/%2F/amq.default/publish",
        new JsonObject().put("routing_key", "alice.http").put("payload", "hi"));
    assertEquals(200, published.status(), published.body());
    var denied = bearer(token, "POST", "/exchanges/%2F/amq.fanout/publish",
        new JsonObject().put("routing_key", "x").put("payload", "hi"));
    assertEquals(403, denied.status(), denied.body());
    assertEquals("write access to exchange 'amq.fanout' in vhost '/' refused for user 'alice'",
        denied.json().getString("reason"));
    assertEquals(403, bearer(token, "PUT", "/queues/%2F/bob.http", new JsonObject()).status());
    assertEquals(403, bearer(token, "GET", "/users", null).status(), "management is not administrator");
  }

  @Test
  void aTokenAsStompPasscodeLogsInOverTcpWhateverTheLogin() throws IOException {
    for (String login : new String[] {null, "", "anyone"}) {
      try (var c = new RawStompClient(node.junction().stompPort())) {
        c.send(connect(login, alice(60)));
        assertEquals(StompCommand.CONNECTED, c.receive(Duration.ofSeconds(10)).command(), "login " + login);
        c.send(StompFrame.builder(StompCommand.SEND).header("destination", "/queue/alice.tcp").header("receipt", "r0")
            .body("ok".getBytes(StandardCharsets.UTF_8)).build());
        assertEquals("r0", c.receive(Duration.ofSeconds(10)).header("receipt-id"));
        c.send(StompFrame.builder(StompCommand.SEND).header("destination", "/exchange/amq.fanout/x")
            .header("receipt", "r1").body("no".getBytes(StandardCharsets.UTF_8)).build());
        StompFrame refused = c.receive(Duration.ofSeconds(10));
        assertEquals(StompCommand.ERROR, refused.command());
        assertEquals("access_refused", refused.header("code"));
      }
    }
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.send(connect("", token(RSA, "rsa-1", -60, ALICE)));
      StompFrame error = c.receive(Duration.ofSeconds(10));
      assertEquals(StompCommand.ERROR, error.command());
      assertTrue(error.header("message").startsWith("access_refused: login refused: token refused: token expired"),
          error.header("message"));
    }
  }

  @Test
  void aConnectionClosesWhenItsTokenExpires() throws IOException {
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.send(connect(null, token(RSA, "rsa-1", 1, ALICE)));
      assertEquals(StompCommand.CONNECTED, c.receive(Duration.ofSeconds(10)).command());
      long connected = System.nanoTime();
      StompFrame error = c.receive(Duration.ofSeconds(10));
      assertEquals(StompCommand.ERROR, error.command());
      assertEquals("access_refused: token expired", error.header("message"));
      assertTrue(System.nanoTime() - connected > TimeUnit.MILLISECONDS.toNanos(500), "closed before the token expired");
      assertEquals(null, c.receive(Duration.ofSeconds(10)), "the connection is closed");
    }
  }

  @Test
  void aConsumeStreamOpenedWithATokenEndsWhenTheTokenExpires() throws Exception {
    String token = alice(3);
    assertEquals(201, bearer(token, "PUT", "/queues/%2F/alice.stream", new JsonObject()).status());
    var request = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(node.httpUrl() + "/api/queues/%2F/alice.stream/stream?format=ndjson"))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(15)).build();
    long opened = System.nanoTime();
    var response = java.net.http.HttpClient.newHttpClient()
        .sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString()).get(15, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode());
    List<String> lines = response.body().lines().toList();
    assertTrue(System.nanoTime() - opened > TimeUnit.MILLISECONDS.toNanos(1500), "ended before the token expired");
    assertEquals("alice.stream", new JsonObject(lines.get(0)).getString("queue"), lines.toString());
    assertEquals(new JsonObject().put("end", new JsonObject().put("error", "access_refused")
        .put("reason", "token expired")), new JsonObject(lines.get(lines.size() - 1)), lines.toString());
  }

  private static WebSocket webSocket(String uri, Map<String, String> headers) throws Exception {
    var options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.httpPort()).setURI(uri)
        .setSubProtocols(List.of("v12.stomp"));
    headers.forEach(options::addHeader);
    return node.vertx().createWebSocketClient().connect(options).await(10, TimeUnit.SECONDS);
  }

  /** The first frame the server answers a CONNECT without credentials with. */
  private static StompFrame connectWithoutCredentials(WebSocket ws) throws Exception {
    var frames = new CopyOnWriteArrayList<StompFrame>();
    var decoder = new StompDecoder(1 << 20, 1 << 16);
    ws.handler(b -> {
      try {
        decoder.feed(b.getBytes(), frames::add);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    ws.writeTextMessage("CONNECT\naccept-version:1.2\nhost:/\nheart-beat:0,0\n\n\0").await(10, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !frames.isEmpty());
    return frames.get(0);
  }

  @Test
  void aTokenOnTheWebSocketHandshakeLogsTheSessionIn() throws Exception {
    String token = URLEncoder.encode(alice(60), StandardCharsets.UTF_8);
    for (var ws : List.of(webSocket("/ws?token=" + token, Map.of()), webSocket("/ws?access_token=" + token, Map.of()),
        webSocket("/ws", Map.of("Authorization", "Bearer " + alice(60))))) {
      assertEquals(StompCommand.CONNECTED, connectWithoutCredentials(ws).command());
      ws.close().await(10, TimeUnit.SECONDS);
    }
    WebSocket without = webSocket("/ws", Map.of());
    StompFrame refused = connectWithoutCredentials(without);
    assertEquals(StompCommand.ERROR, refused.command(), "without a token, and no anonymous user");
    assertEquals("access_refused", refused.header("code"));
  }

  @Test
  void aBadTokenOnTheWebSocketHandshakeRefusesTheUpgradeWith401Json() {
    String expired = URLEncoder.encode(token(RSA, "rsa-1", -60, ALICE), StandardCharsets.UTF_8);
    for (String uri : List.of("/ws?token=" + expired, "/ws?access_token=garbage", "/ws?token=")) {
      var e = assertInstanceOf(UpgradeRejectedException.class, rejection(uri));
      assertEquals(401, e.getStatus(), uri);
      var body = new JsonObject(e.getBody().toString());
      assertEquals("access_refused", body.getString("error"), uri);
      assertFalse(body.getString("reason").contains("Exception"), body.encode());
    }
  }

  private static Throwable rejection(String uri) {
    try {
      webSocket(uri, Map.of()).close();
      return null;
    } catch (Exception e) {
      return e instanceof UpgradeRejectedException ? e : e.getCause();
    }
  }

  @Test
  void aKeyAddedToTheJwksIsFetchedWhenATokenNamesIt() {
    String token = token(ROTATED, "rsa-2", 60, ALICE);
    refusedWithBearerChallenge(bearer(token, "GET", "/whoami", null),
        "login refused: token refused: unknown key id 'rsa-2'");
    int before = FETCHES.get();
    JWKS.set(TestTokens.jwks(List.of(new Object[] {"rsa-1", RSA}, new Object[] {"rsa-2", ROTATED})));
    Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
        .until(() -> bearer(token, "GET", "/whoami", null).status() == 200);
    assertTrue(FETCHES.get() > before, "fetched again");
  }

  @Test
  void stompjsInChromiumConnectsWithATokenAsPasscodeAndIsRefusedWithAnExpiredOne() {
    NodeScript.assumeChromium();
    var tokens = new JsonArray().add(alice(60)).add(token(RSA, "rsa-1", -60, ALICE));
    var run = NodeScript.run("stomp-token-browser.mjs", Map.of("PAGE_URL", node.httpUrl() + "/token-test-page",
        "WS_URL", node.wsUrl(), "DEST", "/queue/alice.browser", "TOKENS", tokens.encode()), Duration.ofSeconds(60));
    assertEquals(0, run.exitCode(), run.output());
    String[] lines = run.output().trim().split("\n");
    var results = new JsonArray(lines[lines.length - 1]);
    assertEquals(new JsonObject().put("connected", true).put("received", "hello-with-a-token"), results.getJsonObject(0));
    JsonObject refused = results.getJsonObject(1);
    assertEquals(false, refused.getBoolean("connected"), refused.encode());
    // stompjs leaves the ERROR frame's header escaped (a ':' is "\c").
    String message = refused.getString("error", "").replace("\\c", ":");
    assertTrue(message.startsWith("access_refused: login refused: token refused: token expired"), refused.encode());
  }
}
