package io.junctionmq.config;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.X509KeyManager;

/**
 * The TLS of one listener, from its keys ({@code http.tls.*} or {@code stomp.tls.*}): the PEM
 * files of its certificate and private key, and the CAs that client certificates must chain to
 * when it asks for them. Only TLS 1.2 and 1.3 are offered.
 */
public record TlsSettings(String prefix, Path cert, Path key, Optional<Path> clientCa, ClientAuth clientAuth) {
  public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
  private static final Pattern CERTIFICATE =
      Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");

  /**
   * Reads and checks the PEM files, then turns TLS on in {@code options} with them. Blocking
   * (it reads files): call it on a worker thread.
   *
   * @throws ConfigException naming the key of every file that is missing, unreadable, holds no
   *     certificate or key, or holds a key that does not belong to the certificate
   */
  public <T extends NetServerOptions> T applyTo(Vertx vertx, T options) {
    List<String> problems = new ArrayList<>();
    Optional<byte[]> certPem = read(cert, "cert", problems);
    Optional<byte[]> keyPem = read(key, "key", problems);
    Optional<byte[]> caPem = clientCa.flatMap(ca -> read(ca, "client-ca", problems));
    List<X509Certificate> chain = certPem.map(pem -> certificates(pem, cert, "cert", problems)).orElse(List.of());
    var keyCert = new PemKeyCertOptions();
    if (!chain.isEmpty() && keyPem.isPresent()) {
      keyCert.setCertValue(Buffer.buffer(certPem.get())).setKeyValue(Buffer.buffer(keyPem.get()));
      checkKey(vertx, keyCert, chain.get(0), problems);
    }
    caPem.ifPresent(pem -> certificates(pem, clientCa.get(), "client-ca", problems));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    options.setSsl(true);
    options.setKeyCertOptions(keyCert);
    options.setEnabledSecureTransportProtocols(PROTOCOLS);
    options.setClientAuth(clientAuth);
    caPem.ifPresent(pem -> options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pem))));
    return options;
  }

  private String name(String suffix) {
    return prefix + "." + suffix;
  }

  private Optional<byte[]> read(Path file, String suffix, List<String> problems) {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      problems.add(name(suffix) + ": no such file '" + file + "'");
    } catch (AccessDeniedException e) {
      problems.add(name(suffix) + ": permission denied reading '" + file + "'");
    } catch (IOException e) {
      problems.add(name(suffix) + ": cannot read '" + file + "' (" + e.getMessage() + ")");
    }
    return Optional.empty();
  }

  private List<X509Certificate> certificates(byte[] pem, Path file, String suffix, List<String> problems) {
    List<X509Certificate> found = new ArrayList<>();
    try {
      var factory = CertificateFactory.getInstance("X.509");
      var blocks = CERTIFICATE.matcher(new String(pem, StandardCharsets.US_ASCII));
      while (blocks.find()) {
        byte[] der = Base64.getMimeDecoder().decode(blocks.group(1));
        found.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      problems.add(name(suffix) + ": a certificate in '" + file + "' cannot be read (" + e.getMessage() + ")");
      return List.of();
    }
    if (found.isEmpty()) {
      problems.add(name(suffix) + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in '" + file + "'");
    }
    return found;
  }

  /** The key must load as Vert.x loads it, and sign what the certificate's public key verifies. */
  private void checkKey(Vertx vertx, PemKeyCertOptions keyCert, X509Certificate certificate, List<String> problems) {
    PrivateKey privateKey;
    try {
      var manager = (X509KeyManager) keyCert.getKeyManagerFactory(vertx).getKeyManagers()[0];
      privateKey = Stream.of("RSA", "EC")
          .map(type -> manager.getServerAliases(type, null))
          .filter(aliases -> aliases != null && aliases.length > 0)
          .map(aliases -> manager.getPrivateKey(aliases[0]))
          .findFirst().orElseThrow(() -> new GeneralSecurityException("neither an RSA nor an EC key"));
    } catch (Exception e) {
      problems.add(name("key") + ": no usable private key in '" + key + "' (" + e.getMessage() + ")");
      return;
    }
    if (!belongTogether(privateKey, certificate.getPublicKey())) {
      problems.add(name("key") + ": the key in '" + key + "' does not belong to the certificate in '" + cert
          + "' (" + name("cert") + ")");
    }
  }

  private static boolean belongTogether(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm = privateKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    byte[] probe = "junction tls key check".getBytes(StandardCharsets.US_ASCII);
    try {
      var signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      var verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
