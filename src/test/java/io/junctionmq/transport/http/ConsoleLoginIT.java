package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.security.TestTokens;
import io.junctionmq.transport.NodeScript;
import io.junctionmq.transport.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's login and per-user views on a broker that lets no one in anonymously: the
 * login page in headless Chromium (src/test/js/console-login.mjs), and what the API shows each
 * user. Users: an administrator, a {@code monitoring} user without permissions, and a {@code
 * management} user with permissions in vhost {@code team} only (configure: {@code ^team-}), and
 * a {@code management} user whose password changes while it uses the console, and a user without
 * tags.
 */
class ConsoleLoginIT {
  private static final String PASSWORD = "pa55-word";
  private static final KeyPair TOKEN_KEYS = TestTokens.rsa();
  private static TestNode node;
  private static ApiClient api;

  @BeforeAll
  static void start() throws IOException {
    Path key = Files.createTempFile("console-login", ".pem");
    Files.writeString(key, TestTokens.pem(TOKEN_KEYS.getPublic()));
    key.toFile().deleteOnExit();
    node = TestNode.start(Map.of("auth.anonymous-user", "", "auth.failure-delay", "10ms",
        "auth.jwt.keys", key.toString(), "auth.jwt.audience", "junction"));
    api = new ApiClient(node.httpUrl() + "/api");
    assertEquals(201, as("guest", "guest", "PUT", "/vhosts/team", null).status());
    user("ada", "administrator");
    user("mona", "monitoring");
    user("manny", "management");
    user("paul", "management");
    user("nora", "");
    assertEquals(201, as("guest", "guest", "PUT", "/permissions/%2F/paul",
        new JsonObject().put("configure", ".*").put("write", ".*").put("read", ".*")).status());
    assertEquals(201, as("guest", "guest", "PUT", "/permissions/team/manny",
        new JsonObject().put("configure", "^team-").put("write", ".*").put("read", ".*")).status());
    assertEquals(201, as("ada", PASSWORD, "PUT", "/queues/%2F/root-q", new JsonObject()).status());
    assertEquals(201, as("ada", PASSWORD, "PUT", "/queues/team/team-q", new JsonObject()).status());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static void user(String name, String tags) {
    var r = as("guest", "guest", "PUT", "/users/" + name, new JsonObject().put("password", PASSWORD).put("tags", tags));
    assertEquals(201, r.status(), r.body());
    if (tags.equals("administrator")) {
      assertEquals(201, as("guest", "guest", "PUT", "/permissions/%2F/" + name, new JsonObject().put("configure", ".*")
          .put("write", ".*").put("read", ".*")).status());
      assertEquals(201, as("guest", "guest", "PUT", "/permissions/team/" + name, new JsonObject().put("configure", ".*")
          .put("write", ".*").put("read", ".*")).status());
    }
  }

  private static ApiClient.Response as(String user, String password, String method, String path, Object body) {
    return api.send(method, path, body == null ? null : body.toString(), Map.of("Authorization", "Basic "
        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)),
        "Content-Type", "application/json"));
  }

  private static List<String> names(ApiClient.Response r) {
    assertEquals(200, r.status(), r.body());
    return r.array().stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  @Test
  void aRefusedRequestMarkedAsAScriptsGetsNoChallengeSoTheBrowserOpensNoDialog() {
    var curl = api.get("/whoami");
    assertEquals(401, curl.status());
    assertEquals("Basic realm=\"Junction\"", curl.header("WWW-Authenticate"), "curl's answer is unchanged");
    var console = api.send("GET", "/whoami", null, Map.of("X-Requested-With", "XMLHttpRequest"));
    assertEquals(401, console.status());
    assertNull(console.header("WWW-Authenticate"));
    assertEquals("access_refused", console.json().getString("error"), console.body());
  }

  @Test
  void whoamiNamesTheVhostsTheUserHasPermissionsIn() {
    assertEquals(new JsonArray().add("team"), as("manny", PASSWORD, "GET", "/whoami", null).json()
        .getJsonArray("vhosts"));
    assertEquals(new JsonArray(), as("mona", PASSWORD, "GET", "/whoami", null).json().getJsonArray("vhosts"));
  }

  @Test
  void aManagementUserSeesOnlyTheVhostsItHasPermissionsIn() {
    assertEquals(List.of("team"), names(as("manny", PASSWORD, "GET", "/vhosts", null)));
    assertEquals(List.of("team-q"), names(as("manny", PASSWORD, "GET", "/queues", null)));
    var refused = as("manny", PASSWORD, "GET", "/queues/%2F", null);
    assertEquals(403, refused.status(), refused.body());
    assertEquals("user 'manny' has no access to vhost '/'", refused.json().getString("reason"));
    assertEquals(403, as("manny", PASSWORD, "GET", "/exchanges/%2F", null).status());
    assertEquals(List.of("/", "team"), names(as("mona", PASSWORD, "GET", "/vhosts", null)), "monitoring sees all");
    assertEquals(List.of("root-q", "team-q"), names(as("mona", PASSWORD, "GET", "/queues", null)));
  }

  @Test
  void theOverviewAndItsStreamCountOnlyWhatTheUserSees() throws Exception {
    int mannys = names(as("manny", PASSWORD, "GET", "/queues", null)).size();
    int all = names(as("mona", PASSWORD, "GET", "/queues", null)).size();
    assertTrue(mannys < all, mannys + " of " + all);
    assertEquals(mannys, as("manny", PASSWORD, "GET", "/overview", null).json().getJsonObject("object_totals")
        .getInteger("queues"));
    assertEquals(all, as("mona", PASSWORD, "GET", "/overview", null).json().getJsonObject("object_totals")
        .getInteger("queues"));
    assertEquals(mannys, firstStreamEvent("manny").getJsonObject("object_totals").getInteger("queues"));
    assertEquals(all, firstStreamEvent("mona").getJsonObject("object_totals").getInteger("queues"));
  }

  private static JsonObject firstStreamEvent(String user) throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.httpUrl() + "/api/overview/stream"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORD)
            .getBytes(StandardCharsets.UTF_8))).build();
    var response = java.net.http.HttpClient.newHttpClient().send(request,
        java.net.http.HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, response.statusCode());
    try (var lines = response.body()) {
      String data = java.util.concurrent.CompletableFuture.supplyAsync(() -> lines.filter(l -> l.startsWith("data:"))
          .findFirst().orElseThrow()).get(10, java.util.concurrent.TimeUnit.SECONDS);
      return new JsonObject(data.substring("data:".length()).trim());
    }
  }

  @Test
  void theConsoleLogsInShowsEachUserWhatItMaySeeAndLogsOut() {
    NodeScript.assumeChromium();
    String token = TestTokens.sign(TOKEN_KEYS, null, TestTokens.claims("tess", "junction", 300,
        "junction.tag:monitoring", "junction.read:*/*"));
    var result = NodeScript.run("console-login.mjs", Map.of("BASE", node.httpUrl(), "PASSWORD", PASSWORD,
        "ADMIN", "ada", "MONITOR", "mona", "MANAGER", "manny", "LEAVER", "paul", "TAGLESS", "nora", "TOKEN", token,
        "SHOTS", ConsoleBrowserIT.SHOTS.toString()), Duration.ofSeconds(90));
    assertEquals(0, result.exitCode(), result.output());
    String[] lines = result.output().trim().split("\n");
    var shown = new JsonObject(lines[lines.length - 1]);
    String all = shown.encodePrettily();
    System.out.printf("console login: steps done at %s ms%n", shown.getJsonArray("millis"));

    assertEquals("Junction · Log in", shown.getString("login"), all);
    assertTrue(shown.getJsonArray("challenge").stream().allMatch(h -> h == null), "no WWW-Authenticate: " + all);
    assertTrue(shown.getString("wrongPassword").startsWith("Login failed:"), all);
    assertTrue(shown.getString("wrongPassword").contains("401 access_refused"), all);
    assertEquals("User nora may not use the console: it needs the management, policymaker, monitoring or"
        + " administrator tag.", shown.getString("tagless"), all);
    var storage = shown.getJsonObject("storage");
    assertEquals(new JsonArray().add("junction.authorization"), storage.getJsonArray("session"), all);
    assertEquals(new JsonArray(), storage.getJsonArray("local"), all);
    assertTrue(!storage.getString("url").contains(PASSWORD) && !storage.getString("url").contains("@"), all);

    var admin = shown.getJsonObject("admin");
    assertTrue(admin.getJsonArray("users").getList().containsAll(List.of("ada", "guest", "manny", "mona")), all);
    assertTrue(admin.getBoolean("userForm") && admin.getBoolean("permissionForm"), all);
    assertEquals("ada", admin.getString("afterReload"), all);

    var monitoring = shown.getJsonObject("monitoring");
    assertEquals(new JsonArray().add("/").add("team"), monitoring.getJsonArray("vhosts"), all);
    assertEquals(new JsonArray().add("root-q"), monitoring.getJsonArray("queues"), all);
    assertEquals(0, monitoring.getInteger("usersLink"), all);
    assertEquals(0, monitoring.getInteger("adminForms"), all);
    assertTrue(monitoring.getBoolean("declareDisabled") && monitoring.getBoolean("publishDisabled"), all);
    assertEquals("User mona has no permissions in vhost /: its forms are disabled.", monitoring.getString("note"), all);

    var management = shown.getJsonObject("management");
    assertEquals(new JsonArray().add("team"), management.getJsonArray("vhosts"), all);
    assertEquals(new JsonArray().add("team-q"), management.getJsonArray("queues"), all);
    assertEquals(0, management.getInteger("usersLink"), all);
    assertEquals(false, management.getBoolean("banner"), "no error on the way in: " + all);
    assertEquals(false, management.getBoolean("note"), "its forms work in team: " + all);
    assertEquals("Declaring the queue failed: configure access to queue 'other-q' in vhost 'team' refused for user"
        + " 'manny' (403 access_refused) Dismiss", management.getString("refused"), all);
    assertEquals("Junction · Log in", management.getJsonObject("afterLogout").getString("title"), all);
    assertEquals(new JsonArray().add("junction.login-required"),
        management.getJsonObject("afterLogout").getJsonArray("session"), all);
    assertEquals("Logged out: login refused for user 'paul': invalid credentials", shown.getString("ended"), all);
    var tess = shown.getJsonObject("token");
    assertEquals("tess", tess.getString("fromForm"), all);
    assertEquals("tess", tess.getString("handedOver"), all);
    assertTrue(tess.getString("url").endsWith("/#queues"), "the token left the URL: " + all);
    assertEquals(new JsonArray().add("root-q"), tess.getJsonArray("queues"), all);
    // Chromium logs each refused call (401, 403) as a console error; nothing else may go wrong.
    assertTrue(shown.getJsonArray("problems").stream().allMatch(p -> p.toString().contains("status of 40")), all);
  }
}
