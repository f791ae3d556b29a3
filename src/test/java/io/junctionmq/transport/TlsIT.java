package io.junctionmq.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.junctionmq.TestCertificates;
import io.junctionmq.cluster.FreePorts;
import io.junctionmq.config.ConfigException;
import io.junctionmq.transport.stomp.RawStompClient;
import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on every listener, with a CA and certificates made in the test: curl over {@code https://},
 * stock stompjs under Node over {@code wss://}, a Java TLS socket speaking STOMP. One node has
 * TLS only (its plain listeners off); the other keeps its plain listeners and requires client
 * certificates on its TLS ones.
 */
class TlsIT {
  @TempDir
  static Path dir;
  private static TestCertificates pki;
  private static TestNode tlsOnly;
  private static TestNode mutual;
  private static int closedHttpPort;
  private static int closedStompPort;

  @BeforeAll
  static void start() {
    pki = TestCertificates.create(dir.resolve("pki"));
    closedHttpPort = FreePorts.next();
    closedStompPort = FreePorts.next();
    tlsOnly = TestNode.start(Map.of("http.plain", false, "http.port", closedHttpPort, "http.tls.port", 0,
        "http.tls.cert", pki.serverCert(), "http.tls.key", pki.serverKey(),
        "stomp.plain", false, "stomp.port", closedStompPort, "stomp.tls.port", 0,
        "stomp.tls.cert", pki.serverCert(), "stomp.tls.key", pki.serverKey()));
    mutual = TestNode.start(Map.of("http.tls.port", 0, "http.tls.cert", pki.serverCert(),
        "http.tls.key", pki.serverKey(), "http.tls.client-ca", pki.ca(), "http.tls.client-auth", "required",
        "stomp.tls.port", 0, "stomp.tls.cert", pki.serverCert(), "stomp.tls.key", pki.serverKey(),
        "stomp.tls.client-ca", pki.ca(), "stomp.tls.client-auth", "required"));
  }

  @AfterAll
  static void stop() {
    for (TestNode node : new TestNode[] {tlsOnly, mutual}) {
      if (node != null) {
        node.close();
      }
    }
  }

  private static String https(TestNode node, String host) {
    return "https://" + host + ":" + node.junction().httpTlsPort();
  }

  @Test
  void curlReachesReadyAndTheApiOverHttpsWithTheCa() throws Exception {
    Curl ready = curl("--cacert", pki.ca().toString(), https(tlsOnly, "localhost") + "/ready");
    Curl overview = curl("--cacert", pki.ca().toString(), https(tlsOnly, "127.0.0.1") + "/api/overview");

    assertEquals("200", ready.status(), ready.output());
    assertEquals("UP", ready.json().getString("status"), ready.output());
    assertEquals("200", overview.status(), overview.output());
    assertTrue(overview.json().containsKey("message_stats"), overview.output());
  }

  @Test
  void curlRefusesAServerItHasNoCaFor() throws Exception {
    Curl unverified = curl(https(tlsOnly, "127.0.0.1") + "/ready");

    assertEquals(60, unverified.exitCode(), unverified.output());
  }

  @Test
  void withPlainOffNoPlainHttpIsServedOnEitherPort() throws Exception {
    Curl closedPort = curl("http://127.0.0.1:" + closedHttpPort + "/ready");
    Curl tlsPort = curl("http://127.0.0.1:" + tlsOnly.junction().httpTlsPort() + "/ready");

    assertEquals(7, closedPort.exitCode(), "connection refused: " + closedPort.output());
    assertNotEquals(0, tlsPort.exitCode(), tlsPort.output());
    assertEquals("000", tlsPort.status(), "no HTTP answer to plain text on the TLS port: " + tlsPort.output());
  }

  @Test
  void stompjsUnderNodePublishesAndReceivesOverWss() {
    var result = NodeScript.run("stomp-scenarios.mjs", Map.of("SCENARIO", "receipts",
        "WS_URL", "wss://127.0.0.1:" + tlsOnly.junction().httpTlsPort() + "/ws",
        "NODE_EXTRA_CA_CERTS", pki.ca().toString()), Duration.ofSeconds(60));

    assertEquals(0, result.exitCode(), result.output());
    String[] lines = result.output().trim().split("\n");
    var r = new JsonObject(lines[lines.length - 1]);
    assertEquals(100, r.getInteger("received"), r.encode());
    assertTrue(r.getBoolean("inOrder"), r.encode());
  }

  @Test
  void stompOverTlsConnectsAndPlainStompIsRefused() throws Exception {
    try (var client = new RawStompClient(tls(pki.trustingClient(), tlsOnly.junction().stompTlsPort()))) {
      StompFrame connected = client.connect("0,0");
      assertEquals(StompCommand.CONNECTED, connected.command(), connected.toString());
    }
    assertThrows(ConnectException.class, () -> new RawStompClient(closedStompPort).close());
  }

  @Test
  void httpsRequiresAClientCertificateFromTheCaWhereConfigured() throws Exception {
    String ready = https(mutual, "localhost") + "/ready";
    Curl without = curl("--cacert", pki.ca().toString(), ready);
    Curl stranger = curl("--cacert", pki.ca().toString(), "--cert", pki.strangerCert().toString(),
        "--key", pki.strangerKey().toString(), ready);
    Curl with = curl("--cacert", pki.ca().toString(), "--cert", pki.clientCert().toString(),
        "--key", pki.clientKey().toString(), ready);
    Curl plain = curl(mutual.httpUrl() + "/ready");

    assertNotEquals(0, without.exitCode(), without.output());
    assertEquals("000", without.status(), without.output());
    assertEquals("000", stranger.status(), stranger.output());
    assertEquals("200", with.status(), with.output());
    assertEquals("200", plain.status(), "the plain listener stays beside: " + plain.output());
  }

  @Test
  void stompOverTlsRequiresAClientCertificateFromTheCaWhereConfigured() throws Exception {
    int port = mutual.junction().stompTlsPort();

    assertTrue(refused(pki.trustingClient(), port), "no client certificate");
    assertTrue(refused(pki.client(pki.strangerCert(), pki.strangerKey()), port), "a certificate of another CA");
    try (var client = new RawStompClient(tls(pki.client(pki.clientCert(), pki.clientKey()), port))) {
      assertEquals(StompCommand.CONNECTED, client.connect("0,0").command());
    }
    try (var client = new RawStompClient(mutual.junction().stompPort())) {
      assertEquals(StompCommand.CONNECTED, client.connect("0,0").command(), "the plain listener stays beside");
    }
  }

  @Test
  void aKeyThatIsNotTheCertificatesStopsTheStartNamingTheKey() {
    var e = assertThrows(IllegalStateException.class, () -> TestNode.start(Map.of("http.tls.port", 0,
        "http.tls.cert", pki.serverCert(), "http.tls.key", pki.clientKey())).close());

    var problems = ((ConfigException) e.getCause()).problems();
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("http.tls.key: "), problems.toString());
  }

  /** A TLS socket to {@code localhost:port}, the server's name checked against its certificate. */
  private static Socket tls(SSLContext context, int port) throws IOException {
    var socket = (SSLSocket) context.getSocketFactory().createSocket();
    var parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    socket.connect(new InetSocketAddress("localhost", port), 5000);
    socket.setSoTimeout(10_000);
    socket.startHandshake();
    return socket;
  }

  /** Whether a STOMP CONNECT over TLS with {@code context} fails (in the handshake or at the first read). */
  private static boolean refused(SSLContext context, int port) {
    try (var client = new RawStompClient(tls(context, port))) {
      return client.connect("0,0") == null;
    } catch (IOException e) {
      return true;
    }
  }

  private record Curl(int exitCode, String status, String output) {
    JsonObject json() {
      return new JsonObject(output.substring(0, output.lastIndexOf('\n')));
    }
  }

  /** Runs curl; its output ends with a line holding the HTTP status ({@code 000} when there was no answer). */
  private static Curl curl(String... args) throws IOException, InterruptedException {
    boolean present = Files.isExecutable(Path.of("/usr/bin/curl")) || Files.isExecutable(Path.of("/bin/curl"));
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("curl is not installed: CI must have it");
    }
    assumeTrue(present, "curl is not installed: skipped");
    var command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}"));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "curl", ".out");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("curl did not finish: " + command);
    }
    String output = Files.readString(out);
    return new Curl(p.exitValue(), output.substring(output.lastIndexOf('\n') + 1).trim(), output);
  }
}
