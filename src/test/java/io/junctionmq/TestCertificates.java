package io.junctionmq;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for the TLS tests, made with Bouncy Castle in a few milliseconds: a CA, a
 * server certificate for {@code localhost} and {@code 127.0.0.1} (RSA, as most operators' are),
 * a client certificate from the same CA, and one from another CA that the broker does not trust.
 * Every file is PEM: certificates, and keys in PKCS#8.
 *
 * <pre>{@code
 * var pki = TestCertificates.create(tempDir);
 * config.with(Map.of("http.tls.cert", pki.serverCert(), "http.tls.key", pki.serverKey()));
 * }</pre>
 */
public record TestCertificates(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey,
    Path strangerCert, Path strangerKey) {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** Writes the files into {@code dir}. */
  public static TestCertificates create(Path dir) {
    try {
      Files.createDirectories(dir);
      KeyPair caKeys = ec();
      X509Certificate ca = issue(new X500Name("CN=Junction Test CA"), caKeys, caKeys, null, Role.CA);
      KeyPair serverKeys = rsa();
      X509Certificate server = issue(new X500Name("CN=localhost"), serverKeys, caKeys, ca, Role.SERVER);
      KeyPair clientKeys = ec();
      X509Certificate client = issue(new X500Name("CN=junction-test-client"), clientKeys, caKeys, ca, Role.CLIENT);
      KeyPair otherCaKeys = ec();
      X509Certificate otherCa = issue(new X500Name("CN=Another CA"), otherCaKeys, otherCaKeys, null, Role.CA);
      KeyPair strangerKeys = ec();
      X509Certificate stranger = issue(new X500Name("CN=stranger"), strangerKeys, otherCaKeys, otherCa, Role.CLIENT);
      var pki = new TestCertificates(dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server-key.pem"),
          dir.resolve("client.pem"), dir.resolve("client-key.pem"), dir.resolve("stranger.pem"),
          dir.resolve("stranger-key.pem"));
      Files.writeString(pki.ca(), pem("CERTIFICATE", ca.getEncoded()));
      Files.writeString(pki.serverCert(), pem("CERTIFICATE", server.getEncoded()));
      Files.writeString(pki.serverKey(), pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
      Files.writeString(pki.clientCert(), pem("CERTIFICATE", client.getEncoded()));
      Files.writeString(pki.clientKey(), pem("PRIVATE KEY", clientKeys.getPrivate().getEncoded()));
      Files.writeString(pki.strangerCert(), pem("CERTIFICATE", stranger.getEncoded()));
      Files.writeString(pki.strangerKey(), pem("PRIVATE KEY", strangerKeys.getPrivate().getEncoded()));
      return pki;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the test certificates", e);
    }
  }

  /** A client's TLS context that trusts the test CA and shows no certificate of its own. */
  public SSLContext trustingClient() {
    return clientContext(null);
  }

  /** A client's TLS context that trusts the test CA and shows the certificate {@code cert} with {@code key}. */
  public SSLContext client(Path cert, Path key) {
    try {
      var store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      var certificate = CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(cert)));
      byte[] der = Base64.getMimeDecoder().decode(Files.readString(key)
          .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", ""));
      var privateKey = KeyFactory.getInstance(certificate.getPublicKey().getAlgorithm())
          .generatePrivate(new PKCS8EncodedKeySpec(der));
      store.setKeyEntry("client", privateKey, new char[0], new Certificate[] {certificate});
      var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, new char[0]);
      return clientContext(keys);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load " + cert + " and " + key, e);
    }
  }

  private SSLContext clientContext(KeyManagerFactory keys) {
    try {
      var trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(ca))));
      var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      var context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load " + ca, e);
    }
  }

  private enum Role { CA, SERVER, CLIENT }

  private static X509Certificate issue(X500Name subject, KeyPair keys, KeyPair issuerKeys, X509Certificate issuer,
      Role role) throws GeneralSecurityException, OperatorCreationException, IOException {
    Instant now = Instant.now();
    X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
        BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(2))), subject, keys.getPublic());
    var extensions = new JcaX509ExtensionUtils();
    builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
    builder.addExtension(Extension.authorityKeyIdentifier, false,
        issuer == null ? extensions.createAuthorityKeyIdentifier(keys.getPublic())
            : extensions.createAuthorityKeyIdentifier(issuer));
    switch (role) {
      case CA -> {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      }
      case SERVER -> {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      }
      case CLIENT -> {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      }
    }
    var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static KeyPair ec() throws GeneralSecurityException {
    var generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    var generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static String pem(String type, byte[] der) {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
  }
}
