package io.junctionmq.security;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens as an identity provider issues them, made with the JDK alone (not with the library
 * under test): RSA and P-256 key pairs, RS256 and ES256 signatures, and the bad ones (unsigned,
 * HMAC, forged), PEM files and JWK Sets of the public keys.
 *
 * <pre>{@code
 * KeyPair keys = TestTokens.rsa();
 * String token = TestTokens.sign(keys, "k1", TestTokens.claims("alice", "junction", 60, "junction.read:*\/*"));
 * }</pre>
 */
public final class TestTokens {
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private TestTokens() {
  }

  public static KeyPair rsa() {
    try {
      var generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair ec() {
    try {
      var generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Claims of a token for {@code sub}, expiring in {@code expiresIn} seconds (negative: expired), with scopes. */
  public static JsonObject claims(String sub, String audience, long expiresIn, String... scopes) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("sub", sub).put("aud", audience).put("iat", now).put("exp", now + expiresIn)
        .put("scope", String.join(" ", scopes));
  }

  /** Signed with RS256 (an RSA pair) or ES256 (an EC pair); {@code kid} null leaves it out. */
  public static String sign(KeyPair keys, String kid, JsonObject claims) {
    String alg = keys.getPrivate().getAlgorithm().equals("RSA") ? "RS256" : "ES256";
    var header = new JsonObject().put("alg", alg).put("typ", "JWT");
    if (kid != null) {
      header.put("kid", kid);
    }
    return sign(keys.getPrivate(), header, claims);
  }

  /** Signed with {@code key} under any header, for the tokens that lie about themselves. */
  public static String sign(PrivateKey key, JsonObject header, JsonObject claims) {
    String input = encode(header) + "." + encode(claims);
    try {
      var signature = Signature.getInstance(key.getAlgorithm().equals("RSA") ? "SHA256withRSA"
          : "SHA256withECDSAinP1363Format");
      signature.initSign(key);
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code alg: none}, no signature. */
  public static String unsigned(JsonObject claims) {
    return encode(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + encode(claims) + ".";
  }

  /** HS256 with {@code secret}: what an attacker signs with a public key taken for an HMAC secret. */
  public static String hs256(byte[] secret, JsonObject claims) {
    String input = encode(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + encode(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input + "." + URL.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as a PEM file holds it. */
  public static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }

  /** A JWK Set of the public keys, each {@code [kid, key pair]}. */
  public static JsonObject jwks(List<Object[]> keys) {
    var all = new JsonArray();
    for (Object[] k : keys) {
      all.add(jwk((String) k[0], ((KeyPair) k[1]).getPublic()));
    }
    return new JsonObject().put("keys", all);
  }

  private static JsonObject jwk(String kid, PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig").put("alg", "RS256")
          .put("n", unsigned(rsa.getModulus(), 0)).put("e", unsigned(rsa.getPublicExponent(), 0));
    }
    var ec = (ECPublicKey) key;
    return new JsonObject().put("kty", "EC").put("kid", kid).put("use", "sig").put("crv", "P-256")
        .put("x", unsigned(ec.getW().getAffineX(), 32)).put("y", unsigned(ec.getW().getAffineY(), 32));
  }

  private static String unsigned(BigInteger n, int length) {
    byte[] b = n.toByteArray();
    if (b[0] == 0 && b.length > 1) {
      b = java.util.Arrays.copyOfRange(b, 1, b.length);
    }
    if (b.length < length) {
      byte[] padded = new byte[length];
      System.arraycopy(b, 0, padded, length - b.length, b.length);
      b = padded;
    }
    return URL.encodeToString(b);
  }

  private static String encode(JsonObject json) {
    return URL.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
