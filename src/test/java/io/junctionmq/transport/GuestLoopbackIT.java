package io.junctionmq.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.transport.stomp.RawStompClient;
import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.json.JsonObject;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code guest} may connect only from loopback, end to end: a node listening on every address
 * is reached through one of this machine's non-loopback addresses (the test is skipped on a
 * machine that has none), and {@code guest} is refused there, with or without credentials,
 * over HTTP and STOMP, while the same requests from 127.0.0.1 pass.
 */
class GuestLoopbackIT {
  private static TestNode node;
  private static InetAddress outside;

  @BeforeAll
  static void start() throws Exception {
    outside = nonLoopbackAddress().orElse(null);
    Assumptions.assumeTrue(outside != null, "this machine has no non-loopback IPv4 address");
    node = TestNode.start(Map.of("http.host", "0.0.0.0", "stomp.host", "0.0.0.0", "auth.failure-delay", "10ms"));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface i : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (i.isUp() && !i.isLoopback()) {
        for (InetAddress a : java.util.Collections.list(i.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return Optional.of(a);
          }
        }
      }
    }
    return Optional.empty();
  }

  private static HttpResponse<String> whoami(String host, boolean withCredentials) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + node.httpPort() + "/api/whoami"))
        .timeout(Duration.ofSeconds(10));
    if (withCredentials) {
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString("guest:guest"
          .getBytes(StandardCharsets.UTF_8)));
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void guestIsRefusedOverHttpFromANonLoopbackAddressAndLetInFromLoopback() throws Exception {
    for (boolean withCredentials : new boolean[] {true, false}) {
      var refused = whoami(outside.getHostAddress(), withCredentials);
      assertEquals(401, refused.statusCode(), refused.body());
      assertEquals("access_refused", new JsonObject(refused.body()).getString("error"), refused.body());
      var local = whoami("127.0.0.1", withCredentials);
      assertEquals(200, local.statusCode(), local.body());
      assertEquals("guest", new JsonObject(local.body()).getString("name"));
    }
    assertTrue(whoami(outside.getHostAddress(), true).body().contains("localhost"), "the reason says why");
  }

  @Test
  void guestIsRefusedOverStompFromANonLoopbackAddress() throws Exception {
    var socket = new Socket();
    socket.connect(new InetSocketAddress(outside, node.junction().stompPort()), 10_000);
    try (var c = new RawStompClient(socket)) {
      c.send(StompFrame.builder(StompCommand.CONNECT).header("accept-version", "1.2").header("host", "/")
          .header("login", "guest").header("passcode", "guest").build());
      StompFrame answer = c.receive(Duration.ofSeconds(10));
      assertEquals(StompCommand.ERROR, answer.command(), String.valueOf(answer));
      assertTrue(answer.header("message").startsWith("access_refused"), answer.header("message"));
    }
    try (var c = new RawStompClient(node.junction().stompPort())) {
      c.send(StompFrame.builder(StompCommand.CONNECT).header("accept-version", "1.2").header("host", "/")
          .header("login", "guest").header("passcode", "guest").build());
      assertEquals(StompCommand.CONNECTED, c.receive(Duration.ofSeconds(10)).command());
    }
  }
}
