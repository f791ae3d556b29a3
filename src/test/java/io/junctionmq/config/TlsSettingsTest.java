package io.junctionmq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS keys of a listener: which go together, and the checks of the PEM files they name. */
class TlsSettingsTest {
  @TempDir
  static Path dir;
  private static TestCertificates pki;
  private static Vertx vertx;

  @BeforeAll
  static void makeCertificates() {
    pki = TestCertificates.create(dir);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close().await();
  }

  private static HttpServerOptions apply(Map<String, ?> keys) {
    return JunctionConfig.defaults().with(keys).httpTls().orElseThrow().applyTo(vertx, new HttpServerOptions());
  }

  private static List<String> problems(Map<String, ?> keys) {
    return assertThrows(ConfigException.class, () -> apply(keys)).problems();
  }

  @Test
  void noCertificateMeansNoTls() {
    assertTrue(JunctionConfig.defaults().httpTls().isEmpty());
    assertTrue(JunctionConfig.defaults().stompTls().isEmpty());
  }

  @Test
  void aCertificateAndItsKeyTurnOnTlsOneTwoAndOneThreeOnly() {
    var options = apply(Map.of("http.tls.cert", pki.serverCert(), "http.tls.key", pki.serverKey()));

    assertTrue(options.isSsl());
    assertEquals(Set.of("TLSv1.2", "TLSv1.3"), options.getEnabledSecureTransportProtocols());
    assertEquals(ClientAuth.NONE, options.getClientAuth());
    assertNull(options.getTrustOptions());
  }

  @Test
  void clientCertificatesAreCheckedAgainstTheClientCa() {
    var options = apply(Map.of("http.tls.cert", pki.serverCert(), "http.tls.key", pki.serverKey(),
        "http.tls.client-ca", pki.ca(), "http.tls.client-auth", "required"));

    assertEquals(ClientAuth.REQUIRED, options.getClientAuth());
    assertEquals(1, ((PemTrustOptions) options.getTrustOptions()).getCertValues().size());
  }

  @Test
  void missingFilesAreReportedTogetherEachByItsKey() {
    Path cert = dir.resolve("nope.pem");
    Path key = dir.resolve("nope-key.pem");

    assertEquals(List.of("http.tls.cert: no such file '" + cert + "'", "http.tls.key: no such file '" + key + "'"),
        problems(Map.of("http.tls.cert", cert, "http.tls.key", key)));
  }

  @Test
  void aFileWithoutACertificateIsNamedByItsKey() {
    var problems = problems(Map.of("http.tls.cert", pki.serverKey(), "http.tls.key", pki.serverKey()));

    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("http.tls.cert: no PEM certificate"), problems.toString());
  }

  @Test
  void aKeyFileWithoutAKeyIsNamedByItsKey() {
    var problems = problems(Map.of("http.tls.cert", pki.serverCert(), "http.tls.key", pki.serverCert()));

    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("http.tls.key: no usable private key in '" + pki.serverCert() + "'"),
        problems.toString());
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    var sameAlgorithm = problems(Map.of("http.tls.cert", pki.clientCert(), "http.tls.key", pki.strangerKey()));
    var otherAlgorithm = problems(Map.of("http.tls.cert", pki.serverCert(), "http.tls.key", pki.clientKey()));

    assertEquals(List.of("http.tls.key: the key in '" + pki.strangerKey() + "' does not belong to the certificate in '"
        + pki.clientCert() + "' (http.tls.cert)"), sameAlgorithm);
    assertEquals(1, otherAlgorithm.size(), otherAlgorithm.toString());
    assertTrue(otherAlgorithm.get(0).startsWith("http.tls.key: no usable private key in '" + pki.clientKey() + "'"),
        otherAlgorithm.toString());
  }

  @Test
  void anEcKeyWithItsCertificateIsAccepted() {
    assertTrue(apply(Map.of("http.tls.cert", pki.clientCert(), "http.tls.key", pki.clientKey())).isSsl());
  }

  @Test
  void aClientCaWithoutCertificatesIsRefused() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty-ca.pem"), "not a certificate\n");

    var problems = problems(Map.of("http.tls.cert", pki.serverCert(), "http.tls.key", pki.serverKey(),
        "http.tls.client-ca", empty, "http.tls.client-auth", "request"));

    assertEquals(List.of("http.tls.client-ca: no PEM certificate (-----BEGIN CERTIFICATE-----) in '" + empty + "'"),
        problems);
  }

  @Test
  void theStompListenerNamesItsOwnKeys() {
    var config = JunctionConfig.defaults().with(Map.of("stomp.tls.cert", dir.resolve("gone.pem"),
        "stomp.tls.key", pki.serverKey()));

    var e = assertThrows(ConfigException.class,
        () -> config.stompTls().orElseThrow().applyTo(vertx, new HttpServerOptions()));

    assertEquals(List.of("stomp.tls.cert: no such file '" + dir.resolve("gone.pem") + "'"), e.problems());
  }

  @Test
  void aCertificateNeedsItsKeyAndAKeyItsCertificate() {
    var e = assertThrows(ConfigException.class, () -> JunctionConfig.defaults()
        .with(Map.of("http.tls.cert", "server.pem", "stomp.tls.key", "key.pem")));

    assertEquals(List.of("http.tls.key: must be set with http.tls.cert (the private key of its certificate)",
        "stomp.tls.cert: must be set with stomp.tls.key (the certificate of that key)"), e.problems());
  }

  @Test
  void turningPlainOffNeedsTls() {
    var e = assertThrows(ConfigException.class, () -> JunctionConfig.defaults().with("http.plain", false));

    assertEquals(List.of("http.plain: false needs http.tls.cert and http.tls.key, or no listener would be left"),
        e.problems());
    assertFalse(JunctionConfig.defaults().with(Map.of("stomp.plain", false, "stomp.tls.cert", "s.pem",
        "stomp.tls.key", "k.pem")).stompPlain());
  }

  @Test
  void clientCertificatesNeedAClientCaAndAClientCaNeedsClientAuth() {
    var tls = Map.of("http.tls.cert", "s.pem", "http.tls.key", "k.pem");

    var required = assertThrows(ConfigException.class,
        () -> JunctionConfig.defaults().with(tls).with("http.tls.client-auth", "required"));
    var caOnly = assertThrows(ConfigException.class,
        () -> JunctionConfig.defaults().with(tls).with("http.tls.client-ca", "ca.pem"));

    assertEquals(List.of("http.tls.client-auth: required needs http.tls.client-ca (the CAs that client "
        + "certificates must chain to)"), required.problems());
    assertEquals(List.of("http.tls.client-ca: takes effect only with http.tls.client-auth request or required, "
        + "which is none"), caOnly.problems());
  }

  @Test
  void theTlsPortMustDifferFromThePlainPort() {
    var e = assertThrows(ConfigException.class, () -> JunctionConfig.defaults()
        .with(Map.of("stomp.tls.cert", "s.pem", "stomp.tls.key", "k.pem", "stomp.tls.port", 61613)));

    assertEquals(List.of("stomp.tls.port: must differ from stomp.port (61613)"), e.problems());
    assertEquals(0, JunctionConfig.defaults().with(Map.of("stomp.tls.cert", "s.pem", "stomp.tls.key", "k.pem",
        "stomp.port", 0, "stomp.tls.port", 0)).stompTlsPort());
  }

  @Test
  void allowedOriginsAreOriginsAndAStarStandsAlone() {
    var config = JunctionConfig.defaults().with("ws.allowed-origins", "https://app.example.com, http://[::1]:8080");

    assertEquals(List.of("https://app.example.com", "http://[::1]:8080"), config.wsAllowedOrigins());
    assertThrows(ConfigException.class, () -> JunctionConfig.defaults().with("ws.allowed-origins", "app.example.com"));
    assertThrows(ConfigException.class,
        () -> JunctionConfig.defaults().with("http.cors.allowed-origins", "https://app.example.com/path"));
    var star = assertThrows(ConfigException.class,
        () -> JunctionConfig.defaults().with("http.cors.allowed-origins", "*,https://a.example"));
    assertEquals(List.of("http.cors.allowed-origins: '*' allows any origin and cannot be listed with others, "
        + "got '*,https://a.example'"), star.problems());
  }
}
