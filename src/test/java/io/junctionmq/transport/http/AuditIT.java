package io.junctionmq.transport.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.junctionmq.transport.TestNode;
import io.junctionmq.transport.stomp.RawStompClient;
import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The audit trail on a real node: wrong logins from one address block it (STOMP and HTTP) for
 * {@code auth.failed-login-window} and no longer, each refused operation is logged once as
 * {@code access.denied}, and each change to users, permissions, vhosts and limits is logged
 * with who made it; never a password or a message body. The guessing client connects from
 * 127.0.0.2 (a loopback address too), so that the administrator on 127.0.0.1 is not blocked.
 */
class AuditIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String GUESSER = "127.0.0.2";
  private static TestNode node;
  private static ApiClient admin;
  private static final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private static final Logger junction = (Logger) LoggerFactory.getLogger("io.junctionmq");

  @BeforeAll
  static void start() {
    events.start();
    // Junction's events at INFO, to this appender only (the test log stays at WARN).
    junction.setLevel(Level.INFO);
    junction.setAdditive(false);
    junction.addAppender(events);
    node = TestNode.start(Map.of("auth.failure-delay", "10ms", "auth.max-failed-logins", 3,
        "auth.failed-login-window", "1500ms"));
    admin = new ApiClient(node.httpUrl() + "/api");
  }

  @AfterAll
  static void stop() {
    node.close();
    junction.detachAppender(events);
    junction.setAdditive(true);
    junction.setLevel(null);
  }

  @BeforeEach
  void forget() {
    events.list.clear();
  }

  /** The key-value pairs of each logged event named {@code event}, in their order. */
  private static List<Map<String, Object>> logged(String event) {
    var found = new ArrayList<Map<String, Object>>();
    for (ILoggingEvent e : List.copyOf(events.list)) {
      var kv = new LinkedHashMap<String, Object>();
      if (e.getKeyValuePairs() != null) {
        e.getKeyValuePairs().forEach(p -> kv.put(p.key, p.value));
      }
      if (event.equals(kv.get("event"))) {
        found.add(kv);
      }
    }
    return found;
  }

  /** Whether any logged line, its message or a field, shows {@code secret}. */
  private static boolean anyLineShows(String secret) {
    for (ILoggingEvent e : List.copyOf(events.list)) {
      if (e.getFormattedMessage().contains(secret)) {
        return true;
      }
      if (e.getKeyValuePairs() != null
          && e.getKeyValuePairs().stream().anyMatch(p -> String.valueOf(p.value).contains(secret))) {
        return true;
      }
    }
    return false;
  }

  private static void user(String name, String password) {
    assertEquals(201, admin.put("/users/" + name, new JsonObject().put("password", password).put("tags", "")).status());
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static StompFrame stompLogin(String from, String login, String passcode) throws IOException {
    return RawStompClient.loginFrom(from, node.junction().stompPort(), login, passcode);
  }

  /** {@code GET /api/whoami} with these credentials from {@code from}: the status line and the body. */
  private static String whoami(String from, String user, String password) throws IOException {
    try (var socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", node.httpPort()), 5000);
      socket.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(("GET /api/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + basic(user, password)
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int headersEnd = response.indexOf("\r\n\r\n");
      return response.substring(0, response.indexOf("\r\n")) + " " + response.substring(headersEnd + 4);
    }
  }

  @Test
  void wrongLoginsFromOneAddressBlockItsLoginsOnStompAndHttpForOneWindowOnly() throws IOException {
    user("frank", "fr4nk");
    assertEquals(201, admin.put("/permissions/%2F/frank", new JsonObject().put("configure", ".*")
        .put("write", ".*").put("read", ".*")).status());
    for (String wrong : List.of("guess1", "guess2")) {
      assertEquals(StompCommand.ERROR, stompLogin(GUESSER, "frank", wrong).command());
    }
    assertTrue(whoami(GUESSER, "frank", "fr4nk").startsWith("HTTP/1.1 200"), "two wrong logins do not block");
    assertTrue(whoami(GUESSER, "frank", "guess3").startsWith("HTTP/1.1 401"));
    assertEquals(1, logged("auth.blocked").size(), "the third wrong login blocks the address");

    StompFrame refused = stompLogin(GUESSER, "frank", "fr4nk");
    assertEquals(StompCommand.ERROR, refused.command());
    assertEquals("access_refused", refused.header("code"));
    assertTrue(refused.header("message").contains("too many failed logins from " + GUESSER + "; try again in"),
        refused.header("message"));
    String http = whoami(GUESSER, "frank", "fr4nk");
    assertTrue(http.startsWith("HTTP/1.1 401") && http.contains("too many failed logins"), http);
    assertEquals(StompCommand.CONNECTED, stompLogin("127.0.0.1", "frank", "fr4nk").command(),
        "another address is not blocked");

    Map<String, Object> blocked = logged("auth.blocked").get(0);
    assertEquals(GUESSER, blocked.get("remote"));
    assertEquals(3, blocked.get("failures"));
    assertEquals(1, logged("auth.blocked").size(), "logged once, when the block starts");
    assertEquals(3, logged("auth.denied").stream().filter(e -> GUESSER.equals(e.get("remote"))).count(),
        "the refusals while blocked are counted, not logged");

    await("the block lifts after the window").atMost(WAIT).pollInterval(Duration.ofMillis(200))
        .until(() -> whoami(GUESSER, "frank", "fr4nk").startsWith("HTTP/1.1 200"));
    assertEquals(StompCommand.CONNECTED, stompLogin(GUESSER, "frank", "fr4nk").command());
    assertFalse(anyLineShows("fr4nk") || anyLineShows("guess"), "no password is ever logged");
  }

  @Test
  void eachRefusedOperationIsLoggedOnceAsAccessDeniedWithoutTheMessageBody() throws IOException {
    user("mallory", "m4llory");
    assertEquals(201, admin.put("/permissions/%2F/mallory", new JsonObject().put("configure", "")
        .put("write", "").put("read", ".*")).status());
    var headers = Map.of("Authorization", basic("mallory", "m4llory"), "Content-Type", "application/json");
    var publish = admin.send("POST", "/exchanges/%2F/amq.default/publish", new JsonObject().put("routing_key", "q")
        .put("payload", "secret-body-1").encode(), headers);
    assertEquals(403, publish.status(), publish.body());
    assertEquals(403, admin.send("GET", "/users", null, headers).status());
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.send(StompFrame.builder(StompCommand.CONNECT).header("accept-version", "1.2").header("host", "/")
          .header("login", "mallory").header("passcode", "m4llory").header("heart-beat", "0,0").build());
      assertEquals(StompCommand.CONNECTED, c.receive(WAIT).command());
      c.send(StompFrame.builder(StompCommand.SEND).header("destination", "/exchange/amq.direct/k")
          .body("secret-body-2".getBytes(StandardCharsets.UTF_8)).build());
      StompFrame error = c.receive(WAIT);
      assertEquals("access_refused", error.header("code"), error.toString());
    }

    List<Map<String, Object>> denied = logged("access.denied");
    assertEquals(3, denied.size(), denied.toString());
    assertEquals(Map.of("event", "access.denied", "user", "mallory", "vhost", "/", "permission", "write",
        "resource", "exchange", "name", "amq.default", "reason", denied.get(0).get("reason")), denied.get(0));
    assertTrue(String.valueOf(denied.get(0).get("reason")).contains("write access to exchange 'amq.default'"),
        denied.get(0).toString());
    assertEquals(List.of("administrator", "http", "/api/users"), List.of(denied.get(1).get("permission"),
        denied.get(1).get("resource"), denied.get(1).get("name")));
    assertEquals(List.of("write", "exchange", "amq.direct"), List.of(denied.get(2).get("permission"),
        denied.get(2).get("resource"), denied.get(2).get("name")));
    assertFalse(anyLineShows("secret-body"), "no message body is logged");
    assertFalse(anyLineShows("m4llory"));
  }

  @Test
  void changesToUsersPermissionsVhostsAndLimitsAreLoggedWithWhoMadeThem() {
    assertEquals(201, admin.put("/vhosts/audited", new JsonObject()).status());
    user("erin", "er1n-pass");
    assertEquals(201, admin.put("/permissions/audited/erin", new JsonObject().put("configure", ".*")
        .put("write", ".*").put("read", ".*")).status());
    assertEquals(204, admin.put("/vhost-limits/audited/max-queues", new JsonObject().put("value", 5)).status());
    assertEquals(204, admin.put("/user-limits/erin/max-connections", new JsonObject().put("value", 2)).status());
    assertEquals(204, admin.delete("/users/erin").status());
    assertEquals(204, admin.delete("/vhosts/audited").status());

    assertEquals(List.of(
            Map.of("event", "vhost.changed", "action", "created", "vhost", "audited", "by", "guest"),
            Map.of("event", "vhost.changed", "action", "deleted", "vhost", "audited", "by", "guest")),
        logged("vhost.changed"));
    assertEquals(List.of(
            Map.of("event", "user.changed", "action", "created", "user", "erin", "tags", List.of(), "by", "guest"),
            Map.of("event", "user.changed", "action", "deleted", "user", "erin", "by", "guest")),
        logged("user.changed"));
    assertEquals(List.of(
            Map.of("event", "permission.changed", "action", "set", "user", "guest", "vhost", "audited",
                "configure", ".*", "write", ".*", "read", ".*", "by", "guest"),
            Map.of("event", "permission.changed", "action", "set", "user", "erin", "vhost", "audited",
                "configure", ".*", "write", ".*", "read", ".*", "by", "guest")),
        logged("permission.changed"), "the creator of a vhost gets every permission in it, as in RabbitMQ");
    assertEquals(List.of(Map.of("event", "vhost-limit.changed", "action", "set", "vhost", "audited", "max_queues", 5,
        "by", "guest")), logged("vhost-limit.changed"));
    assertEquals(List.of(Map.of("event", "user-limit.changed", "action", "set", "user", "erin", "max_connections", 2,
        "by", "guest")), logged("user-limit.changed"));
    assertFalse(anyLineShows("er1n-pass"), "no password is logged");
  }
}
