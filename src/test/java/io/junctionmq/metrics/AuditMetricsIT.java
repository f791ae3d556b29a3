package io.junctionmq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.transport.NodeScript;
import io.junctionmq.transport.TestNode;
import io.junctionmq.transport.stomp.RawStompClient;
import io.junctionmq.transport.stomp.StompCommand;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /metrics} behind {@code metrics.auth=monitoring} on a real node (credentials required:
 * no anonymous user), and the audit counters read through a real Prometheus parser: logins by
 * result and transport, refusals by what was lacking, labels never a user or an address.
 */
@Timeout(120)
class AuditMetricsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String ATTEMPTS = "junction_auth_attempts_total";
  private static final String DENIED = "junction_access_denied_total";
  private static final String GUEST = basic("guest", "guest");
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static TestNode node;

  @BeforeAll
  static void start() {
    NodeScript.assumeNode();
    node = TestNode.start(Map.of("metrics.auth", "monitoring", "auth.anonymous-user", "",
        "auth.failure-delay", "10ms", "auth.max-failed-logins", 3));
    for (var user : Map.of("viewer", "management", "watcher", "monitoring").entrySet()) {
      assertEquals(201, send("PUT", "/api/users/" + user.getKey(), GUEST,
          new JsonObject().put("password", user.getKey() + "-pw").put("tags", user.getValue())).statusCode());
    }
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> send(String method, String path, String authorization, JsonObject body) {
    var request = HttpRequest.newBuilder(URI.create(node.httpUrl() + path)).timeout(WAIT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> metrics(String authorization) {
    return send("GET", "/metrics", authorization, null);
  }

  private static StompCommand stompLogin(String from, String login, String passcode) throws IOException {
    return RawStompClient.loginFrom(from, node.junction().stompPort(), login, passcode).command();
  }

  private static ParsedScrape scrape() {
    return ParsedScrape.as(GUEST, node.httpUrl() + "/metrics", "junction_");
  }

  private static double attempts(ParsedScrape s, String result, String transport) {
    return s.value(ATTEMPTS, Map.of("result", result, "transport", transport));
  }

  private static double denied(ParsedScrape s, String permission) {
    return s.value(DENIED, Map.of("permission", permission));
  }

  @Test
  void metricsNeedsAUserWithTheMonitoringOrAdministratorTagWhileHealthAndReadyStayOpen() {
    var anonymous = metrics(null);
    assertEquals(401, anonymous.statusCode(), anonymous.body());
    assertEquals("Basic realm=\"Junction\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(null));
    assertEquals(401, metrics(basic("watcher", "wrong")).statusCode());
    var viewer = metrics(basic("viewer", "viewer-pw"));
    assertEquals(403, viewer.statusCode(), viewer.body());
    assertEquals("access_refused", new JsonObject(viewer.body()).getString("error"));
    for (String allowed : List.of(basic("watcher", "watcher-pw"), GUEST)) {
      var r = metrics(allowed);
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains("# TYPE " + ATTEMPTS + " counter"), r.body());
    }
    assertEquals(200, send("GET", "/health", null, null).statusCode());
    assertEquals(200, send("GET", "/ready", null, null).statusCode());
  }

  @Test
  void loginsAndRefusalsAreCountedByResultTransportAndWhatWasLackingNeverByUserOrAddress() throws IOException {
    ParsedScrape before = scrape();
    assertEquals(0, attempts(before, "blocked", "stomp"), "every series is there from the start");

    assertEquals(StompCommand.CONNECTED, stompLogin("127.0.0.1", "guest", "guest"));
    assertEquals(StompCommand.ERROR, stompLogin("127.0.0.1", "viewer", "viewer-pw"), "no permission on vhost /");
    assertEquals(StompCommand.ERROR, stompLogin("127.0.0.2", "watcher", "guess1"));
    assertEquals(StompCommand.ERROR, stompLogin("127.0.0.2", "watcher", "guess2"));
    assertEquals(StompCommand.ERROR, stompLogin("127.0.0.2", "watcher", "guess3"));
    assertEquals(StompCommand.ERROR, stompLogin("127.0.0.2", "watcher", "watcher-pw"), "127.0.0.2 is blocked");
    assertEquals(403, metrics(basic("viewer", "viewer-pw")).statusCode());
    assertEquals(401, metrics(basic("nobody", "x")).statusCode());
    ParsedScrape after = scrape();

    assertEquals(2, attempts(after, "success", "stomp") - attempts(before, "success", "stomp"));
    assertEquals(3, attempts(after, "failure", "stomp") - attempts(before, "failure", "stomp"));
    assertEquals(1, attempts(after, "blocked", "stomp") - attempts(before, "blocked", "stomp"));
    assertEquals(2, attempts(after, "success", "http") - attempts(before, "success", "http"),
        "viewer's, and the last scrape's own");
    assertEquals(1, attempts(after, "failure", "http") - attempts(before, "failure", "http"));
    assertEquals(1, denied(after, "vhost") - denied(before, "vhost"));
    assertEquals(1, denied(after, "monitoring") - denied(before, "monitoring"));
    assertEquals(0, denied(after, "write") - denied(before, "write"));

    for (var labels : after.labelSets(ATTEMPTS)) {
      assertEquals(Set.of("result", "transport"), labels.keySet());
      assertTrue(Set.of("success", "failure", "blocked").contains(labels.get("result")), labels.toString());
    }
    for (var labels : after.labelSets(DENIED)) {
      assertEquals(Set.of("permission"), labels.keySet());
    }
    for (String family : List.of(ATTEMPTS, DENIED)) {
      String all = after.labelSets(family).toString();
      for (String secret : List.of("guest", "viewer", "watcher", "nobody", "127.0.0")) {
        assertFalse(all.contains(secret), family + " names " + secret + ": " + all);
      }
    }
  }
}
