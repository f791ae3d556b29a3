package io.junctionmq.security;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SignatureException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks JSON Web Tokens as RabbitMQ's OAuth 2 plugin does, and gives their users: signed with
 * RS256 or ES256 by a key of {@code auth.jwt.keys} or of the JWK Set at {@code auth.jwt.jwks-url}
 * (fetched at start, again when a token names a key id it does not hold, and hourly), an {@code
 * aud} that contains the audience, an {@code exp} and an {@code nbf}, if any, that hold now
 * (give or take the leeway). The header is read first, so that {@code alg:none} and HMAC tokens
 * never reach vertx-auth-jwt's {@link JWTAuth}, which checks the signature. A token that
 * checked out is remembered until it expires (by a digest), so that a client sending it with
 * every HTTP request pays one signature check.
 */
public final class TokenVerifier {
  private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);
  private static final Set<String> ALGORITHMS = Set.of("RS256", "ES256");
  /** Fetches of the JWK Set for an unknown key id are at least this far apart, against a flood of made-up ids. */
  private static final long REFETCH_GAP_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long REFRESH_MS = TimeUnit.HOURS.toMillis(1);
  private static final int REMEMBERED_MAX = 10_000;
  private static final Pattern SHAPE = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]*");

  private final Vertx vertx;
  private final JwtSettings settings;
  private final Map<String, Identity> remembered = new ConcurrentHashMap<>();
  private volatile KeySet keys;
  private volatile List<JsonObject> fileKeys = List.of();
  private HttpClient http;
  private long timer = -1;
  private Future<KeySet> fetching;
  private long lastFetch;

  /** The keys in force: a provider that holds them and their key ids, or why there is none. */
  private record KeySet(JWTAuth auth, Set<String> kids, String problem) {
  }

  public TokenVerifier(Vertx vertx, JwtSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.keys = new KeySet(null, Set.of(), "the signing keys are not loaded yet");
  }

  /** Whether tokens are accepted at all: keys or a JWK Set are configured. */
  public boolean enabled() {
    return settings.enabled();
  }

  /**
   * Whether {@code credential} has the shape of a JWT (three base64url parts, a JSON header): a
   * passcode of that shape is taken for a token. No password of a person has it.
   */
  public static boolean looksLikeToken(String credential) {
    return credential != null && SHAPE.matcher(credential).matches();
  }

  /**
   * Reads the key files and fetches the JWK Set. Fails (naming {@code auth.jwt.keys}) when a key
   * file cannot be used; a JWK Set that cannot be fetched is logged, and fetched again when a
   * token needs it.
   */
  public Future<Void> start() {
    if (!settings.enabled()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(this::readKeyFiles, false).compose(files -> {
      fileKeys = files;
      String url = settings.jwksUrl();
      if (url.isEmpty()) {
        keys = build(files, "auth.jwt.keys holds no key");
        return Future.succeededFuture();
      }
      keys = build(files, "the JWK Set at " + url + " is not fetched yet");
      long timeout = settings.jwksTimeout().toMillis();
      http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeout)
          .setIdleTimeout((int) timeout).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
      timer = vertx.setPeriodic(REFRESH_MS, t -> refetch());
      return refetch().mapEmpty();
    });
  }

  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return http == null ? Future.succeededFuture() : http.close();
  }

  /**
   * The user of {@code token}, with the permissions and tags of its scopes. Fails ACCESS_REFUSED
   * saying why the token is refused. Completes on any thread.
   */
  Future<Identity> verify(String token) {
    String digest = digest(token);
    Identity known = remembered.get(digest);
    if (known != null && known.exists()) {
      return Future.succeededFuture(known);
    }
    JsonObject header;
    try {
      header = header(token);
    } catch (JunctionException e) {
      return Future.failedFuture(e);
    }
    String kid = header.getValue("kid") instanceof String s ? s : null;
    KeySet current = keys;
    boolean stale = !settings.jwksUrl().isEmpty() && (current.auth == null || kid != null && !current.kids.contains(kid));
    return (stale ? refetch() : Future.succeededFuture(current)).compose(k -> check(k, token, kid)).onSuccess(user -> {
      if (remembered.size() >= REMEMBERED_MAX) {
        remembered.clear();
      }
      remembered.put(digest, user);
    });
  }

  private Future<Identity> check(KeySet k, String token, String kid) {
    if (k.auth == null) {
      return Future.failedFuture(refused("no signing key to check it with: " + k.problem));
    }
    Future<io.vertx.ext.auth.User> checked;
    try {
      checked = k.auth.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      checked = Future.failedFuture(e);
    }
    return checked.transform(ar -> {
      if (ar.failed()) {
        Throwable e = ar.cause();
        return Future.failedFuture(refused(e instanceof NoSuchKeyIdException
            ? (kid == null ? "no key for its algorithm" : "unknown key id '" + printable(kid) + "'")
            : e instanceof SignatureException ? "invalid signature" : "malformed token"));
      }
      try {
        return Future.succeededFuture(user(ar.result().attributes().getJsonObject("accessToken")));
      } catch (JunctionException e) {
        return Future.failedFuture(e);
      }
    });
  }

  /** The user of verified {@code claims} (their times are numbers), once {@code exp}, {@code nbf} and {@code aud} are checked. */
  private Identity user(JsonObject claims) {
    long now = Instant.now().getEpochSecond();
    long leeway = settings.leeway().toSeconds();
    long exp = claims.getLong("exp");
    if (exp + leeway <= now) {
      throw refused("token expired at " + Instant.ofEpochSecond(exp));
    }
    if (claims.getValue("nbf") instanceof Number n && n.longValue() - leeway > now) {
      throw refused("token not valid before " + Instant.ofEpochSecond(n.longValue()));
    }
    Object aud = claims.getValue("aud");
    List<?> audiences = aud instanceof JsonArray a ? a.getList() : aud == null ? List.of() : List.of(aud);
    if (!audiences.contains(settings.audience())) {
      throw refused("the token's audience " + (aud == null ? "is missing" : printable(String.valueOf(aud)))
          + ", it must include '" + settings.audience() + "'");
    }
    String name = name(claims);
    Scopes scopes = Scopes.of(settings.audience(), claims);
    return new Identity(name, new Identity.Token(Access.of(name, scopes), scopes.tags(),
        Instant.ofEpochSecond(exp + leeway)));
  }

  /** RabbitMQ's preferred username claims: the configured one, then {@code sub}, then {@code client_id}. */
  private String name(JsonObject claims) {
    for (String claim : List.of(settings.usernameClaim(), "sub", "client_id")) {
      if (claims.getValue(claim) instanceof String s && !s.isEmpty()) {
        return s;
      }
    }
    throw refused("the token names no user (claim " + settings.usernameClaim() + ", sub or client_id)");
  }

  /** The header of a token that has the form of a signed JWT with an accepted algorithm; throws ACCESS_REFUSED. */
  private static JsonObject header(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw refused("malformed token: a JWT has three parts separated by '.', this one has " + parts.length);
    }
    JsonObject header = json(parts[0], "header");
    JsonObject claims = json(parts[1], "payload");
    Object alg = header.getValue("alg");
    if (!(alg instanceof String && ALGORITHMS.contains(alg))) {
      throw refused("algorithm " + (alg instanceof String s ? "'" + printable(s) + "'" : "missing")
          + " is not accepted (RS256, ES256)");
    }
    if (parts[2].isEmpty()) {
      throw refused("the token is not signed");
    }
    if (header.containsKey("crit")) {
      throw refused("the token has critical header parameters (crit), which are not supported");
    }
    // Their values are checked once the signature is; vertx-auth-jwt reads them first, as numbers.
    if (!(claims.getValue("exp") instanceof Number)) {
      throw refused("the token has no exp claim, or it is not a number");
    }
    for (String time : List.of("nbf", "iat")) {
      if (claims.getValue(time) != null && !(claims.getValue(time) instanceof Number)) {
        throw refused("the " + time + " claim is not a number");
      }
    }
    return header;
  }

  private static JsonObject json(String part, String what) {
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw refused("malformed token: its " + what + " is not base64url-encoded JSON");
    }
  }

  private synchronized Future<KeySet> refetch() {
    if (fetching != null) {
      return fetching;
    }
    if (lastFetch != 0 && System.nanoTime() - lastFetch < REFETCH_GAP_NANOS) {
      return Future.succeededFuture(keys);
    }
    lastFetch = System.nanoTime();
    Future<KeySet> f = fetch();
    fetching = f;
    f.onComplete(ar -> {
      synchronized (this) {
        fetching = null;
      }
    });
    return f;
  }

  /** Fetches the JWK Set; completes with the keys in force after it (the old ones when it failed). */
  private Future<KeySet> fetch() {
    String url = settings.jwksUrl();
    long timeout = settings.jwksTimeout().toMillis();
    var request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setConnectTimeout(timeout)
        .setIdleTimeout(timeout).putHeader("Accept", "application/json");
    return http.request(request).compose(r -> r.send()).compose(response -> response.body().compose(body ->
            response.statusCode() == 200 ? Future.succeededFuture(body)
                : Future.failedFuture("HTTP status " + response.statusCode())))
        .timeout(timeout, TimeUnit.MILLISECONDS)
        .map(body -> SigningKeys.fromJwks(new JsonObject(body)))
        .transform(ar -> {
          if (ar.succeeded()) {
            var all = new ArrayList<>(fileKeys);
            all.addAll(ar.result());
            keys = build(all, "the JWK Set at " + url + " holds no RS256 or ES256 signing key");
            remembered.clear();
            log.atInfo().addKeyValue("event", "auth.jwks.fetched").addKeyValue("url", url)
                .addKeyValue("keys", ar.result().size()).log("fetched {} signing keys from {}", ar.result().size(), url);
          } else {
            String why = ar.cause().getMessage();
            log.atWarn().addKeyValue("event", "auth.jwks.failed").addKeyValue("url", url).addKeyValue("reason", why)
                .log("fetching the JWK Set at {} failed: {}", url, why);
            if (keys.auth == null) {
              keys = new KeySet(null, Set.of(), "the JWK Set at " + url + " could not be fetched (" + why + ")");
            }
          }
          return Future.succeededFuture(keys);
        });
  }

  private KeySet build(List<JsonObject> jwks, String empty) {
    if (jwks.isEmpty()) {
      return new KeySet(null, Set.of(), empty);
    }
    // Expiry is checked by user(), with the leeway and a message of its own.
    var options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIgnoreExpiration(true)).setJwks(jwks);
    Set<String> kids = jwks.stream().map(k -> k.getString("kid")).filter(k -> k != null)
        .collect(Collectors.toUnmodifiableSet());
    return new KeySet(JWTAuth.create(vertx, options), kids, null);
  }

  private List<JsonObject> readKeyFiles() throws Exception {
    var all = new ArrayList<JsonObject>();
    for (String file : settings.keys()) {
      try {
        all.addAll(SigningKeys.fromPem(Files.readString(Path.of(file))));
      } catch (java.io.IOException | IllegalArgumentException e) {
        String why = e instanceof java.io.IOException ? "cannot be read (" + e + ")" : e.getMessage();
        throw ErrorCode.INVALID_ARGUMENT.error("auth.jwt.keys: '" + file + "' " + why);
      }
    }
    return all;
  }

  private static JunctionException refused(String why) {
    return ErrorCode.ACCESS_REFUSED.error(why);
  }

  /** A value from a token, for a message: printable, and short. */
  private static String printable(String s) {
    String p = s.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return p.length() > 64 ? p.substring(0, 64) + "..." : p;
  }

  private static String digest(String token) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
