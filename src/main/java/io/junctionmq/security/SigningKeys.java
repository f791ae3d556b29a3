package io.junctionmq.security;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public keys that tokens are checked against, as the JWKs vertx-auth-jwt takes: RSA keys
 * for RS256 and EC keys on P-256 for ES256, nothing else. Every key is rebuilt through the JDK
 * first, so a key that cannot be used is refused here with a reason rather than skipped.
 */
final class SigningKeys {
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  private static final ECParameterSpec P256 = p256();

  private SigningKeys() {
  }

  /**
   * The keys of a PEM file: {@code PUBLIC KEY} blocks and {@code CERTIFICATE}s (their public
   * keys). Throws IllegalArgumentException saying what is wrong with it.
   */
  static List<JsonObject> fromPem(String pem) {
    var keys = new ArrayList<JsonObject>();
    Matcher m = PEM.matcher(pem);
    while (m.find()) {
      String type = m.group(1);
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      try {
        PublicKey key = switch (type) {
          case "PUBLIC KEY" -> publicKey(der);
          case "CERTIFICATE" -> CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
          default -> throw new IllegalArgumentException("holds a " + type + "; give public keys"
              + " (BEGIN PUBLIC KEY) or certificates (BEGIN CERTIFICATE)");
        };
        keys.add(jwk(key, null));
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("holds a " + type + " that cannot be read: " + e.getMessage());
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("holds no PEM public key or certificate");
    }
    return keys;
  }

  /**
   * The usable keys of a JWK Set ({@code {"keys": [...]}}): RSA and P-256 EC signing keys whose
   * {@code alg}, if given, is RS256 or ES256. Others (HMAC secrets, other curves and algorithms,
   * encryption keys, malformed ones) are left out.
   */
  static List<JsonObject> fromJwks(JsonObject jwks) {
    var keys = new ArrayList<JsonObject>();
    JsonArray all = jwks.getValue("keys") instanceof JsonArray a ? a : new JsonArray();
    for (Object o : all) {
      if (o instanceof JsonObject k && (k.getValue("use") == null || "sig".equals(k.getValue("use")))) {
        try {
          PublicKey key = switch (String.valueOf(k.getValue("kty"))) {
            case "RSA" -> rsa(k);
            case "EC" -> ec(k);
            default -> null;
          };
          JsonObject usable = key == null ? null : jwk(key, k.getValue("kid") instanceof String s ? s : null);
          if (usable != null && (k.getValue("alg") == null || usable.getString("alg").equals(k.getValue("alg")))) {
            keys.add(usable);
          }
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
          // Not a key that can check RS256 or ES256 signatures: left out.
        }
      }
    }
    return keys;
  }

  private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
    }
  }

  private static PublicKey rsa(JsonObject k) throws GeneralSecurityException {
    return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(unsigned(k.getString("n")),
        unsigned(k.getString("e"))));
  }

  private static PublicKey ec(JsonObject k) throws GeneralSecurityException {
    if (!"P-256".equals(k.getValue("crv"))) {
      return null;
    }
    var point = new ECPoint(unsigned(k.getString("x")), unsigned(k.getString("y")));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, P256));
  }

  /** {@code key} as a JWK with its algorithm; throws for a key that is neither RSA nor EC on P-256. */
  static JsonObject jwk(PublicKey key, String kid) throws GeneralSecurityException {
    var jwk = new JsonObject().put("use", "sig");
    if (kid != null) {
      jwk.put("kid", kid);
    }
    if (key instanceof RSAPublicKey rsa) {
      return jwk.put("kty", "RSA").put("alg", "RS256").put("n", base64url(rsa.getModulus(), 0))
          .put("e", base64url(rsa.getPublicExponent(), 0));
    }
    if (key instanceof ECPublicKey ec && onP256(ec.getParams())) {
      return jwk.put("kty", "EC").put("alg", "ES256").put("crv", "P-256")
          .put("x", base64url(ec.getW().getAffineX(), 32)).put("y", base64url(ec.getW().getAffineY(), 32));
    }
    throw new GeneralSecurityException("a " + key.getAlgorithm() + " key; only RSA (RS256) and EC P-256 (ES256)"
        + " keys are accepted");
  }

  private static boolean onP256(ECParameterSpec params) {
    return params.getCurve().equals(P256.getCurve()) && params.getGenerator().equals(P256.getGenerator())
        && params.getOrder().equals(P256.getOrder());
  }

  private static BigInteger unsigned(String base64url) {
    return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
  }

  /** The big-endian bytes of {@code n} without a sign byte, left-padded to {@code length}. */
  private static String base64url(BigInteger n, int length) {
    byte[] bytes = n.toByteArray();
    int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
    int size = Math.max(length, bytes.length - skip);
    byte[] out = new byte[size];
    System.arraycopy(bytes, skip, out, size - (bytes.length - skip), bytes.length - skip);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      return params.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no P-256 curve", e);
    }
  }
}
