package io.junctionmq.security;

import io.junctionmq.model.ErrorCode;
import io.vertx.ext.auth.hashing.HashingStrategy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Salted password hashes. New passwords are hashed with PBKDF2-HMAC-SHA512 (vertx-auth-common's,
 * stored as its PHC string {@code $pbkdf2$it=N$salt$hash}). Hashes exported from RabbitMQ are
 * taken as they are and checked with RabbitMQ's own algorithms, so that its users log in
 * unchanged: {@code base64(salt ++ H(salt ++ password))} with a 4-byte salt and H SHA-256
 * ({@code rabbit_password_hashing_sha256}, the default), SHA-512 or MD5. Hashing and checking
 * cost milliseconds of CPU by design: call them off the event loops.
 */
public final class Passwords {
  public static final String PBKDF2 = "pbkdf2";
  public static final String RABBIT_SHA256 = "rabbit_password_hashing_sha256";
  public static final String RABBIT_SHA512 = "rabbit_password_hashing_sha512";
  public static final String RABBIT_MD5 = "rabbit_password_hashing_md5";
  public static final Set<String> ALGORITHMS = Set.of(PBKDF2, RABBIT_SHA256, RABBIT_SHA512, RABBIT_MD5);
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA512 is 210 000; each check costs about 100 ms of CPU at this. */
  static final int ITERATIONS = 100_000;

  private static final HashingStrategy STRATEGY = HashingStrategy.load();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {
  }

  /** A new salted hash of {@code password}, with {@link #PBKDF2}. */
  public static String hash(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return STRATEGY.hash(PBKDF2, Map.of("it", Integer.toString(ITERATIONS)),
        Base64.getEncoder().withoutPadding().encodeToString(salt), password);
  }

  /** Whether {@code password} is {@code user}'s; false for a user without a password. Constant time in the hash. */
  public static boolean verify(User user, String password) {
    if (user.passwordHash() == null || password == null) {
      return false;
    }
    return switch (user.hashingAlgorithm()) {
      case PBKDF2 -> STRATEGY.verify(user.passwordHash(), password);
      case RABBIT_SHA256 -> rabbit("SHA-256", user.passwordHash(), password);
      case RABBIT_SHA512 -> rabbit("SHA-512", user.passwordHash(), password);
      case RABBIT_MD5 -> rabbit("MD5", user.passwordHash(), password);
      default -> false;
    };
  }

  /** Checks a hash given to be stored as it is (an import); fails INVALID_ARGUMENT. */
  public static void checkStored(String hash, String algorithm) {
    if (!ALGORITHMS.contains(algorithm)) {
      throw ErrorCode.INVALID_ARGUMENT.error("unknown hashing_algorithm '" + algorithm + "'; known: "
          + String.join(", ", ALGORITHMS.stream().sorted().toList()));
    }
    boolean wellFormed = algorithm.equals(PBKDF2) ? hash.startsWith("$" + PBKDF2 + "$") : decodes(hash);
    if (!wellFormed) {
      throw ErrorCode.INVALID_ARGUMENT.error("password_hash is not a " + algorithm + " hash");
    }
  }

  private static boolean decodes(String base64) {
    try {
      return Base64.getDecoder().decode(base64).length > 4;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean rabbit(String digest, String stored, String password) {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(stored);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (decoded.length <= 4) {
      return false;
    }
    try {
      MessageDigest md = MessageDigest.getInstance(digest);
      md.update(decoded, 0, 4);
      byte[] computed = md.digest(password.getBytes(StandardCharsets.UTF_8));
      byte[] expected = new byte[decoded.length - 4];
      System.arraycopy(decoded, 4, expected, 0, expected.length);
      return MessageDigest.isEqual(computed, expected);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RabbitMQ's form of a hash, for tests and for exports: {@code base64(salt ++ SHA-256(salt ++ password))}. */
  static String rabbitSha256(byte[] salt, String password) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(salt);
      byte[] h = md.digest(password.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[salt.length + h.length];
      System.arraycopy(salt, 0, out, 0, salt.length);
      System.arraycopy(h, 0, out, salt.length, h.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
