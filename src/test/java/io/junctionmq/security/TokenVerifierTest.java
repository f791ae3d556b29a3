package io.junctionmq.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.security.Access.Kind;
import io.junctionmq.security.Access.Resource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens checked against keys from PEM files: the good ones, and each way a token can be bad. */
class TokenVerifierTest {
  private static final Duration LEEWAY = Duration.ofSeconds(10);
  private static final KeyPair RSA = TestTokens.rsa();
  private static final KeyPair EC = TestTokens.ec();
  private static final KeyPair OTHER = TestTokens.rsa();
  @TempDir
  static Path dir;
  private static Vertx vertx;
  private static TokenVerifier verifier;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Path rsa = Files.writeString(dir.resolve("rsa.pem"), TestTokens.pem(RSA.getPublic()));
    Path ec = Files.writeString(dir.resolve("ec.pem"), TestTokens.pem(EC.getPublic()));
    verifier = new TokenVerifier(vertx, settings(List.of(rsa.toString(), ec.toString())));
    verifier.start().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static JwtSettings settings(List<String> keys) {
    return new JwtSettings(keys, "", "junction", "sub", LEEWAY, Duration.ofSeconds(2));
  }

  private static JsonObject claims(long expiresIn, String... scopes) {
    return TestTokens.claims("alice", "junction", expiresIn, scopes);
  }

  private static Identity verify(String token) throws Exception {
    return verifier.verify(token).await(10, TimeUnit.SECONDS);
  }

  /** Why {@code token} is refused (it must be, ACCESS_REFUSED). */
  private static String refusal(String token) {
    return refusal(verifier.verify(token));
  }

  static String refusal(Future<?> verified) {
    try {
      verified.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      if ((e instanceof JunctionException ? e : e.getCause()) instanceof JunctionException j) {
        assertEquals(ErrorCode.ACCESS_REFUSED, j.code(), j.toString());
        return j.reason();
      }
      return fail(e);
    }
    return fail("the token was accepted");
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anRs256TokenLogsItsSubjectInWithThePermissionsAndTagsOfItsScopes() throws Exception {
    JsonObject claims = claims(60, "junction.read:*/q1", "junction.tag:management", "other.write:*/*");
    Identity alice = verify(TestTokens.sign(RSA, null, claims));
    assertEquals("alice", alice.name());
    assertTrue(alice.has(Tag.MANAGEMENT));
    assertFalse(alice.has(Tag.ADMINISTRATOR));
    alice.access().check(Kind.READ, "/", Resource.QUEUE, "q1");
    assertThrowsRefused(() -> alice.access().check(Kind.WRITE, "/", Resource.QUEUE, "q1"));
    assertEquals(Instant.ofEpochSecond(claims.getLong("exp")).plus(LEEWAY), alice.expiresAt().orElseThrow());
    assertTrue(alice.exists());
  }

  @Test
  void anEs256TokenIsAcceptedToo() throws Exception {
    assertEquals("alice", verify(TestTokens.sign(EC, "any-kid", claims(60))).name());
  }

  @Test
  void aTokenThatCheckedOutIsRememberedUntilItExpires() throws Exception {
    String token = TestTokens.sign(RSA, null, claims(60));
    assertSame(verify(token), verify(token));
  }

  @Test
  void anExpiredTokenIsRefusedOnceTheLeewayHasPassed() throws Exception {
    assertEquals("alice", verify(TestTokens.sign(RSA, null, claims(-5))).name(), "within the leeway");
    JsonObject claims = claims(-11);
    assertEquals("token expired at " + Instant.ofEpochSecond(claims.getLong("exp")),
        refusal(TestTokens.sign(RSA, null, claims)));
  }

  @Test
  void aTokenNotValidYetIsRefused() throws Exception {
    long now = Instant.now().getEpochSecond();
    assertEquals("alice", verify(TestTokens.sign(RSA, null, claims(60).put("nbf", now + 5))).name());
    assertEquals("token not valid before " + Instant.ofEpochSecond(now + 60),
        refusal(TestTokens.sign(RSA, null, claims(120).put("nbf", now + 60))));
    assertEquals("the nbf claim is not a number", refusal(TestTokens.sign(RSA, null, claims(60).put("nbf", "soon"))));
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() throws Exception {
    assertEquals("the token's audience other, it must include 'junction'",
        refusal(TestTokens.sign(RSA, null, claims(60).put("aud", "other"))));
    assertEquals("the token's audience is missing, it must include 'junction'",
        refusal(TestTokens.sign(RSA, null, claims(60).put("aud", null))));
    assertEquals("alice", verify(TestTokens.sign(RSA, null, claims(60).put("aud",
        new JsonArray().add("other").add("junction")))).name());
  }

  @Test
  void aTokenSignedWithAnotherKeyIsRefused() {
    assertEquals("invalid signature", refusal(TestTokens.sign(OTHER, null, claims(60))));
    String good = TestTokens.sign(RSA, null, claims(60));
    String tampered = good.substring(0, good.indexOf('.') + 1) + b64(claims(3600, "junction.configure:*/*").encode())
        + good.substring(good.lastIndexOf('.'));
    assertEquals("invalid signature", refusal(tampered));
  }

  @Test
  void anUnsignedTokenIsRefused() {
    assertEquals("algorithm 'none' is not accepted (RS256, ES256)", refusal(TestTokens.unsigned(claims(60))));
    String rs256Unsigned = b64("{\"alg\":\"RS256\"}") + "." + b64(claims(60).encode()) + ".";
    assertEquals("the token is not signed", refusal(rs256Unsigned));
  }

  @Test
  void anHmacTokenIsRefusedEvenWithThePublicKeyAsItsSecret() {
    byte[] publicKey = TestTokens.pem(RSA.getPublic()).getBytes(StandardCharsets.US_ASCII);
    assertEquals("algorithm 'HS256' is not accepted (RS256, ES256)",
        refusal(TestTokens.hs256(publicKey, claims(60))));
  }

  @Test
  void aTokenClaimingRs256ButSignedWithAnEcKeyIsRefused() {
    var header = new JsonObject().put("alg", "RS256");
    assertEquals("invalid signature", refusal(TestTokens.sign(EC.getPrivate(), header, claims(60))));
  }

  @Test
  void malformedTokensAreRefusedWithAReason() {
    assertEquals("malformed token: a JWT has three parts separated by '.', this one has 1", refusal("abc"));
    assertEquals("malformed token: a JWT has three parts separated by '.', this one has 4", refusal("a.b.c.d"));
    assertEquals("malformed token: its header is not base64url-encoded JSON", refusal("!!.e30.c2ln"));
    assertEquals("malformed token: its header is not base64url-encoded JSON", refusal(b64("[1]") + ".e30.c2ln"));
    assertEquals("malformed token: its payload is not base64url-encoded JSON",
        refusal(b64("{\"alg\":\"RS256\"}") + "." + b64("not json") + ".c2ln"));
    assertEquals("algorithm missing is not accepted (RS256, ES256)", refusal(b64("{}") + ".e30.c2ln"));
    assertEquals("the token has critical header parameters (crit), which are not supported",
        refusal(TestTokens.sign(RSA.getPrivate(), new JsonObject().put("alg", "RS256")
            .put("crit", new JsonArray().add("exp")), claims(60))));
    assertEquals("invalid signature", refusal(b64("{\"alg\":\"RS256\"}") + "." + b64(claims(60).encode()) + ".c2ln"));
  }

  @Test
  void aTokenWithoutExpiryOrUserIsRefused() {
    assertEquals("the token has no exp claim, or it is not a number",
        refusal(TestTokens.sign(RSA, null, claims(60).put("exp", null))));
    assertEquals("the token has no exp claim, or it is not a number",
        refusal(TestTokens.sign(RSA, null, claims(60).put("exp", "tomorrow"))));
    assertEquals("the iat claim is not a number", refusal(TestTokens.sign(RSA, null, claims(60).put("iat", "now"))));
    assertEquals("the token names no user (claim sub, sub or client_id)",
        refusal(TestTokens.sign(RSA, null, claims(60).put("sub", null))));
  }

  @Test
  void theUserIsTheConfiguredClaimThenSubThenClientId() throws Exception {
    var byName = new TokenVerifier(vertx, new JwtSettings(verifierKeys(), "", "junction", "preferred_username",
        LEEWAY, Duration.ofSeconds(2)));
    byName.start().await(10, TimeUnit.SECONDS);
    JsonObject claims = claims(60).put("preferred_username", "alice.smith").put("sub", "f81d4fae");
    assertEquals("alice.smith", byName.verify(TestTokens.sign(RSA, null, claims)).await(10, TimeUnit.SECONDS).name());
    claims.remove("preferred_username");
    assertEquals("f81d4fae", byName.verify(TestTokens.sign(RSA, null, claims)).await(10, TimeUnit.SECONDS).name());
    claims.remove("sub");
    claims.put("client_id", "backend");
    assertEquals("backend", byName.verify(TestTokens.sign(RSA, null, claims)).await(10, TimeUnit.SECONDS).name());
  }

  private static List<String> verifierKeys() {
    return List.of(dir.resolve("rsa.pem").toString());
  }

  @Test
  void aKeyFileThatHoldsNoPublicKeyStopsTheStartNamingTheKey() throws Exception {
    Path notAKey = Files.writeString(dir.resolve("private.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "hello");
    for (var file : List.of(notAKey, empty, dir.resolve("missing.pem"))) {
      try {
        new TokenVerifier(vertx, settings(List.of(file.toString()))).start().await(10, TimeUnit.SECONDS);
        fail("started with " + file);
      } catch (Exception e) {
        String reason = (e instanceof JunctionException ? e : e.getCause()).getMessage();
        assertTrue(reason.startsWith("auth.jwt.keys: '" + file + "' "), reason);
      }
    }
  }

  @Test
  void aPasscodeIsTakenForATokenOnlyWhenItHasTheShapeOfOne() {
    assertTrue(TokenVerifier.looksLikeToken(TestTokens.sign(RSA, "k", claims(60))));
    assertTrue(TokenVerifier.looksLikeToken(TestTokens.unsigned(claims(60))));
    for (String password : new String[] {null, "", "guest", "s3cret.with.dots", "eyJ", "correct horse battery"}) {
      assertFalse(TokenVerifier.looksLikeToken(password), password);
    }
  }

  private static void assertThrowsRefused(Runnable check) {
    try {
      check.run();
      fail("not refused");
    } catch (JunctionException e) {
      assertEquals(ErrorCode.ACCESS_REFUSED, e.code());
    }
  }
}
