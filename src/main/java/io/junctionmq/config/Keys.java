package io.junctionmq.config;

import io.junctionmq.config.ValueType.BooleanValue;
import io.junctionmq.config.ValueType.DurationValue;
import io.junctionmq.config.ValueType.EnumValue;
import io.junctionmq.config.ValueType.IntValue;
import io.junctionmq.config.ValueType.ListValue;
import io.junctionmq.config.ValueType.SizeValue;
import io.junctionmq.config.ValueType.TextValue;
import io.vertx.core.http.ClientAuth;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every configuration key, in the order of docs/configuration.md. This is the one place a key
 * is defined; conf/junction.json and the docs are checked against it by ConfigDocsTest.
 */
public final class Keys {
  private static final int MAX = Integer.MAX_VALUE;
  private static final IntValue PORT = new IntValue(0, 65535);
  private static final IntValue POSITIVE = new IntValue(1, MAX);
  private static final TextValue HOST =
      new TextValue("string", Pattern.compile("\\S+"), "a host name or IP address");
  private static final TextValue FILE =
      new TextValue("path", Pattern.compile("|\\S.*"), "empty or a file path");
  private static final ListValue ORIGINS = new ListValue(Keys::isOrigin,
      "a comma-separated list of origins such as https://app.example.com:8443, or *");
  private static final Pattern ORIGIN = Pattern.compile(
      "(?i)https?://(?:[a-z0-9-]+(?:\\.[a-z0-9-]+)*|\\[[0-9a-f:.]+\\])(?::(\\d{1,5}))?");

  public static final Key<String> NODE_ID = key("node.id",
      new TextValue("string", Pattern.compile("[A-Za-z0-9._-]{0,64}"),
          "at most 64 letters, digits, '.', '_' or '-'"),
      "", "Name of this node in the cluster; empty derives `<host name>-<http.port>`, e.g. `host1-8080`.");
  public static final Key<Integer> HTTP_PORT = key("http.port", PORT, "8080",
      "Port of the HTTP server (REST, WebSocket `/ws`, console); 0 picks any free port.");
  public static final Key<String> HTTP_HOST = key("http.host", HOST, "0.0.0.0",
      "Address the HTTP server binds to.");
  public static final Key<Integer> STOMP_PORT = key("stomp.port", PORT, "61613",
      "Port of the plain-TCP STOMP listener; 0 picks any free port.");
  public static final Key<String> STOMP_HOST = key("stomp.host", HOST, "0.0.0.0",
      "Address the STOMP listener binds to.");
  public static final Key<Long> HTTP_MAX_BODY = key("http.max-body", new SizeValue(1), "16MiB",
      "Largest HTTP request body (a JSON publish or management call); larger is refused with 413. Streamed NDJSON bodies are limited per line instead.");
  public static final Key<Duration> HTTP_STREAM_KEEP_ALIVE = key("http.stream.keep-alive",
      new DurationValue(), "15s", "Interval of the keep-alive comments on an idle SSE consumer stream.");
  public static final Key<Long> STOMP_MAX_FRAME = key("stomp.max-frame", new SizeValue(1), "4MiB",
      "Largest STOMP frame (headers and body); a larger frame gets an ERROR frame and the connection closes.");
  public static final Key<Long> STOMP_MAX_HEADERS = key("stomp.max-headers", new SizeValue(1), "64KiB",
      "Largest total size of a STOMP frame's command and header lines.");
  public static final Key<Duration> STOMP_HEARTBEAT = key("stomp.heartbeat", new DurationValue(), "10s",
      "Heart-beat interval the server offers both ways in CONNECTED; a client silent for twice the agreed interval is disconnected.");
  public static final Key<Boolean> HTTP_PLAIN = key("http.plain", new BooleanValue(), "true",
      "Whether the plain HTTP listener on `http.port` is open; false leaves only HTTPS on `http.tls.port` (needs `http.tls.cert`).");
  public static final Key<Integer> HTTP_TLS_PORT = key("http.tls.port", PORT, "8443",
      "Port of the HTTPS listener (REST, `wss://` at `/ws`, console), open when `http.tls.cert` is set; 0 picks any free port.");
  public static final Key<String> HTTP_TLS_CERT = key("http.tls.cert", FILE, "",
      "PEM file of the HTTPS server certificate, then its chain; empty leaves HTTPS off.");
  public static final Key<String> HTTP_TLS_KEY = key("http.tls.key", FILE, "",
      "PEM file of the private key of `http.tls.cert` (PKCS#8, or PKCS#1 RSA or SEC 1 EC), unencrypted.");
  public static final Key<String> HTTP_TLS_CLIENT_CA = key("http.tls.client-ca", FILE, "",
      "PEM file of the CA certificates that HTTPS client certificates must chain to; needs `http.tls.client-auth` `request` or `required`.");
  public static final Key<ClientAuth> HTTP_TLS_CLIENT_AUTH = key("http.tls.client-auth",
      new EnumValue<>(ClientAuth.class), "none",
      "`none`, `request` (a client certificate is verified when sent) or `required` (a client without one is refused); the last two need `http.tls.client-ca`.");
  public static final Key<Boolean> STOMP_PLAIN = key("stomp.plain", new BooleanValue(), "true",
      "Whether the plain STOMP listener on `stomp.port` is open; false leaves only STOMP over TLS on `stomp.tls.port` (needs `stomp.tls.cert`).");
  public static final Key<Integer> STOMP_TLS_PORT = key("stomp.tls.port", PORT, "61614",
      "Port of the STOMP-over-TLS listener, open when `stomp.tls.cert` is set; 0 picks any free port.");
  public static final Key<String> STOMP_TLS_CERT = key("stomp.tls.cert", FILE, "",
      "PEM file of the STOMP-over-TLS server certificate, then its chain; empty leaves STOMP over TLS off.");
  public static final Key<String> STOMP_TLS_KEY = key("stomp.tls.key", FILE, "",
      "PEM file of the private key of `stomp.tls.cert` (PKCS#8, or PKCS#1 RSA or SEC 1 EC), unencrypted.");
  public static final Key<String> STOMP_TLS_CLIENT_CA = key("stomp.tls.client-ca", FILE, "",
      "PEM file of the CA certificates that STOMP client certificates must chain to; needs `stomp.tls.client-auth` `request` or `required`.");
  public static final Key<ClientAuth> STOMP_TLS_CLIENT_AUTH = key("stomp.tls.client-auth",
      new EnumValue<>(ClientAuth.class), "none",
      "`none`, `request` (a client certificate is verified when sent) or `required` (a client without one is refused); the last two need `stomp.tls.client-ca`.");
  public static final Key<List<String>> WS_ALLOWED_ORIGINS = key("ws.allowed-origins", ORIGINS, "",
      "Origins whose pages may open `/ws` besides the server's own, e.g. `https://app.example.com`; `*` allows any. A request without `Origin` (not a browser) is always let through.");
  public static final Key<List<String>> HTTP_CORS_ALLOWED_ORIGINS = key("http.cors.allowed-origins", ORIGINS, "",
      "Origins whose pages may call `/api` across origins (CORS), e.g. `https://app.example.com`; `*` allows any; empty turns CORS off.");
  public static final Key<String> DATA_DIR = key("data.dir",
      new TextValue("path", Pattern.compile("\\S.*"), "a directory path"),
      "./data", "Directory for local state; the embedded PostgreSQL lives in `${data.dir}/postgres`.");
  public static final Key<String> PG_URI = new Key<>("pg.uri",
      new TextValue("uri", Pattern.compile("|(postgresql|postgres)://.+"),
          "empty or a postgresql:// or postgres:// URI"),
      "", "PostgreSQL server, e.g. `postgresql://user:password@host:5432/junction`; empty starts an embedded one.",
      true);
  public static final Key<Integer> PG_POOL_MAX_SIZE = key("pg.pool.max-size", POSITIVE, "8",
      "Most connections in the PostgreSQL pool.");
  public static final Key<Integer> PG_EMBEDDED_PORT = key("pg.embedded.port", PORT, "0",
      "Port of the embedded PostgreSQL; 0 picks any free port.");
  public static final Key<Boolean> PG_EMBEDDED_FSYNC = key("pg.embedded.fsync", new BooleanValue(),
      "true", "Whether the embedded PostgreSQL fsyncs; tests turn it off, production never should.");
  public static final Key<Integer> QUEUE_WINDOW_MESSAGES = key("queue.window.messages", POSITIVE,
      "10000", "Messages of a queue's head kept in memory; the rest stay in PostgreSQL until paged in.");
  public static final Key<Long> QUEUE_WINDOW_BYTES = key("queue.window.bytes", new SizeValue(1),
      "64MiB", "Bytes of message bodies of a queue's head kept in memory; whichever window fills first applies.");
  public static final Key<Integer> CONSUMER_PREFETCH_DEFAULT = key("consumer.prefetch.default",
      POSITIVE, "1000", "Prefetch given to a consumer that asks for 0 (unlimited).");
  public static final Key<Integer> CONSUMER_PREFETCH_MAX = key("consumer.prefetch.max", POSITIVE,
      "65535", "Largest prefetch a consumer may have; larger requests are lowered to it.");
  public static final Key<Integer> PUBLISH_MAX_IN_FLIGHT = key("publish.max-in-flight", POSITIVE,
      "2000", "Unconfirmed publishes per connection before the broker stops reading from it.");
  public static final Key<Integer> STORE_BATCH_MAX_MESSAGES = key("store.batch.max-messages",
      POSITIVE, "2000", "Most messages the store writes to PostgreSQL in one batch.");
  public static final Key<Integer> STORE_MAX_PENDING = key("store.max-pending", POSITIVE, "100000",
      "Most messages waiting for the store; past it queues stop granting credit to publishers.");
  public static final Key<Duration> LEASE_TTL = key("lease.ttl", new DurationValue(), "10s",
      "How long a queue owner's lease lasts unrenewed; then a survivor may take the queue over.");
  public static final Key<Duration> LEASE_RENEW_INTERVAL = key("lease.renew-interval",
      new DurationValue(), "3s", "How often an owner renews its leases, and asks the nodes of its remote consumers which of them they still have; must be less than `lease.ttl`.");
  public static final Key<Boolean> CLUSTER_ENABLED = key("cluster.enabled", new BooleanValue(),
      "false", "Whether to join a Hazelcast cluster (`JUNCTION_CLUSTER=true` is the short form); false runs a single node without Hazelcast.");
  public static final Key<String> CLUSTER_NAME = key("cluster.name",
      new TextValue("string", Pattern.compile("[A-Za-z0-9._-]{1,64}"),
          "1 to 64 letters, digits, '.', '_' or '-'"),
      "junction", "Name of the cluster; only nodes with the same name join each other, so clusters can share hosts and networks.");
  public static final Key<String> CLUSTER_HOST = key("cluster.host",
      new TextValue("string", Pattern.compile("|[0-9A-Fa-f.:]+"), "empty or an IP address"),
      "", "IP address Hazelcast and the event bus bind to and advertise; empty picks `127.0.0.1` when every `cluster.members` entry is on loopback, else the address Hazelcast chooses.");
  public static final Key<Integer> CLUSTER_PORT = key("cluster.port", new IntValue(1, 65535),
      "5701", "Port Hazelcast listens on for other members.");
  public static final Key<Integer> CLUSTER_BUS_PORT = key("cluster.bus-port", new IntValue(0, 65535),
      "0", "Port the event bus listens on for other members (queue requests, deliveries, hand-overs); 0 picks a free port. Set it when a firewall sits between the nodes.");
  public static final Key<List<String>> CLUSTER_MEMBERS = key("cluster.members",
      new ListValue(Keys::isHostPort, "a comma-separated list of host:port"), "",
      "Comma-separated `host:port` of members to contact (TCP-IP join), e.g. `10.0.0.1:5701,10.0.0.2:5701`; empty keeps the join of the Hazelcast file.");
  public static final Key<String> CLUSTER_CONFIG = key("cluster.config",
      new TextValue("path", Pattern.compile("|\\S.*"), "empty or a file path"),
      "", "Hazelcast XML file; empty reads `conf/cluster.xml` in the working directory if it exists, else the copy in the jar.");
  public static final Key<Duration> CLUSTER_REQUEST_TIMEOUT = key("cluster.request-timeout", new DurationValue(),
      "5s", "How long a node waits for another node's answer (a publish to a queue it owns, an ack, a hand-over) before it reports `unavailable`.");
  public static final Key<RebalanceMode> CLUSTER_REBALANCE = key("cluster.rebalance",
      new EnumValue<>(RebalanceMode.class), "auto",
      "When queues move to the least loaded nodes: `auto` also when a node joins, `manual` only on `POST /api/rebalance`.");
  public static final Key<Duration> CLUSTER_REBALANCE_DELAY = key("cluster.rebalance-delay", new DurationValue(),
      "5s", "How long a node that joined waits, once ready, before it asks for a rebalance (`cluster.rebalance` `auto`).");
  public static final Key<Integer> CLUSTER_REBALANCE_CONCURRENCY = key("cluster.rebalance-concurrency",
      new IntValue(1, 64), "4", "How many queues a node hands over at once in a rebalance.");
  public static final Key<Integer> METRICS_QUEUE_SERIES_MAX = key("metrics.queue-series.max",
      new IntValue(0, 1_000_000), "1000",
      "Most queues with metrics series of their own at `/metrics`; the queues beyond it (the newest) are summed into series tagged `queue=\"_other\"`.");
  public static final Key<MetricsAccess> METRICS_AUTH = key("metrics.auth", new EnumValue<>(MetricsAccess.class),
      "open", "Who may read `/metrics`: `open` (anyone) or `monitoring` (a user with the `monitoring` or `administrator` tag, logged in as for `/api`; others get 401 or 403).");
  public static final Key<String> AUTH_DEFAULT_USER = key("auth.default-user", new TextValue("string",
      Pattern.compile("\\S.*"), "a user name"), "guest",
      "User created, with the `administrator` tag and full permissions on vhost `/`, when the store has no users at all.");
  public static final Key<String> AUTH_DEFAULT_PASS = new Key<>("auth.default-pass", new TextValue("string",
      Pattern.compile(".+"), "a password"), "guest", "Password of `auth.default-user` when it is created.", true);
  public static final Key<List<String>> AUTH_LOOPBACK_USERS = key("auth.loopback-users",
      new ListValue(s -> true, "a comma-separated list of user names"), "guest",
      "Users that may connect only from a loopback address, as RabbitMQ's `loopback_users`.");
  public static final Key<String> AUTH_ANONYMOUS_USER = key("auth.anonymous-user", new TextValue("string",
      Pattern.compile(".*"), "a user name, or empty"), "guest",
      "Who a client that brings no credentials is (logged in with `auth.anonymous-pass`), as RabbitMQ's `anonymous_login_user`; empty requires credentials from every client.");
  public static final Key<String> AUTH_ANONYMOUS_PASS = new Key<>("auth.anonymous-pass", new TextValue("string",
      Pattern.compile(".*"), "a password"), "guest", "Password `auth.anonymous-user` logs in with.", true);
  public static final Key<Duration> AUTH_FAILURE_DELAY = key("auth.failure-delay", new DurationValue(), "1s",
      "How long a refused login waits before it is answered, against guessing.");
  public static final Key<List<String>> AUTH_JWT_KEYS = key("auth.jwt.keys",
      new ListValue(s -> !s.isBlank(), "a comma-separated list of file paths"), "",
      "PEM files of the public keys (`BEGIN PUBLIC KEY`) or certificates whose RS256 or ES256 signatures tokens may carry; with `auth.jwt.jwks-url` also empty, tokens are not accepted.");
  public static final Key<String> AUTH_JWT_JWKS_URL = key("auth.jwt.jwks-url", new TextValue("url",
      Pattern.compile("|https://\\S+|http://(?:localhost|127\\.\\d+\\.\\d+\\.\\d+|\\[::1\\])(?::\\d+)?(?:/\\S*)?"),
      "empty, an https:// URL, or an http:// URL on the loopback interface"), "",
      "JWK Set of the token issuer's signing keys, e.g. `https://idp.example.com/realms/x/protocol/openid-connect/certs`; fetched at start, when a token names an unknown key id, and hourly.");
  public static final Key<String> AUTH_JWT_AUDIENCE = key("auth.jwt.audience", new TextValue("string",
      Pattern.compile("|[^\\s.]\\S*"), "empty or a name without spaces"), "",
      "What a token's `aud` must include, RabbitMQ's `resource_server_id`; also the prefix of its scopes (`<audience>.read:*/*`). Required with `auth.jwt.keys` or `auth.jwt.jwks-url`.");
  public static final Key<String> AUTH_JWT_USERNAME_CLAIM = key("auth.jwt.username-claim", new TextValue("string",
      Pattern.compile("\\S+"), "a claim name"), "sub",
      "Claim of a token that names its user; without it, `sub`, then `client_id`, as RabbitMQ's `preferred_username_claims`.");
  public static final Key<Duration> AUTH_JWT_LEEWAY = key("auth.jwt.leeway", new DurationValue(), "10s",
      "Clock skew allowed when checking a token's `exp` and `nbf`.");
  public static final Key<Duration> AUTH_JWT_JWKS_TIMEOUT = key("auth.jwt.jwks-timeout", new DurationValue(), "5s",
      "Longest a fetch of `auth.jwt.jwks-url` may take.");
  public static final Key<Integer> AUTH_MAX_FAILED_LOGINS = key("auth.max-failed-logins", new IntValue(0, 1_000_000),
      "20", "Wrong logins (unknown user or wrong password) one remote address may make within `auth.failed-login-window`; the last of them blocks its logins for one window. 0: no limit.");
  public static final Key<Duration> AUTH_FAILED_LOGIN_WINDOW = key("auth.failed-login-window", new DurationValue(),
      "1m", "Window of `auth.max-failed-logins`, from an address's first wrong login; also how long a blocked address stays blocked.");
  public static final Key<String> DEFINITIONS_FILE = key("definitions.file", FILE, "",
      "RabbitMQ definitions file (JSON, as `rabbitmqctl export_definitions` writes it) imported at start, all or nothing, once the store is up; a broken file fails the start naming the field. Empty: none. See docs/definitions.md.");
  public static final Key<String> LOG_LEVEL = key("log.level",
      new TextValue("level", Pattern.compile("(?i)TRACE|DEBUG|INFO|WARN|ERROR|OFF"), "TRACE, DEBUG, INFO, WARN, ERROR or OFF"),
      "INFO", "Level of Junction's own log (Hazelcast, Netty and the embedded PostgreSQL log warnings only).");
  public static final Key<LogFormat> LOG_FORMAT = key("log.format",
      new EnumValue<>(LogFormat.class), "text",
      "`text` for people or `json` (one object per line) for log collectors.");

  public static final List<Key<?>> ALL = List.of(
      NODE_ID, HTTP_PORT, HTTP_HOST, STOMP_PORT, STOMP_HOST, HTTP_MAX_BODY, HTTP_STREAM_KEEP_ALIVE, STOMP_MAX_FRAME,
      STOMP_MAX_HEADERS, STOMP_HEARTBEAT,
      HTTP_PLAIN, HTTP_TLS_PORT, HTTP_TLS_CERT, HTTP_TLS_KEY, HTTP_TLS_CLIENT_CA, HTTP_TLS_CLIENT_AUTH,
      STOMP_PLAIN, STOMP_TLS_PORT, STOMP_TLS_CERT, STOMP_TLS_KEY, STOMP_TLS_CLIENT_CA, STOMP_TLS_CLIENT_AUTH,
      WS_ALLOWED_ORIGINS, HTTP_CORS_ALLOWED_ORIGINS, DATA_DIR,
      PG_URI, PG_POOL_MAX_SIZE, PG_EMBEDDED_PORT, PG_EMBEDDED_FSYNC,
      QUEUE_WINDOW_MESSAGES, QUEUE_WINDOW_BYTES, CONSUMER_PREFETCH_DEFAULT, CONSUMER_PREFETCH_MAX,
      PUBLISH_MAX_IN_FLIGHT, STORE_BATCH_MAX_MESSAGES, STORE_MAX_PENDING,
      LEASE_TTL, LEASE_RENEW_INTERVAL, CLUSTER_ENABLED, CLUSTER_NAME, CLUSTER_HOST, CLUSTER_PORT, CLUSTER_BUS_PORT,
      CLUSTER_MEMBERS, CLUSTER_CONFIG, CLUSTER_REQUEST_TIMEOUT, CLUSTER_REBALANCE, CLUSTER_REBALANCE_DELAY,
      CLUSTER_REBALANCE_CONCURRENCY, METRICS_QUEUE_SERIES_MAX, METRICS_AUTH, AUTH_DEFAULT_USER,
      AUTH_DEFAULT_PASS, AUTH_LOOPBACK_USERS, AUTH_ANONYMOUS_USER, AUTH_ANONYMOUS_PASS, AUTH_FAILURE_DELAY,
      AUTH_JWT_KEYS, AUTH_JWT_JWKS_URL, AUTH_JWT_AUDIENCE, AUTH_JWT_USERNAME_CLAIM, AUTH_JWT_LEEWAY,
      AUTH_JWT_JWKS_TIMEOUT, AUTH_MAX_FAILED_LOGINS, AUTH_FAILED_LOGIN_WINDOW, DEFINITIONS_FILE, LOG_LEVEL, LOG_FORMAT);

  private static final Map<String, Key<?>> BY_NAME = index(Key::name);
  private static final Map<String, Key<?>> BY_ENV_NAME = index(Key::envName);
  /**
   * Short environment names a key also answers to; the key's own name wins when both are set.
   * {@code JUNCTION_CLUSTER=true} is how the cluster documentation turns clustering on.
   */
  static final Map<String, Key<?>> ENV_ALIASES = Map.of("JUNCTION_CLUSTER", CLUSTER_ENABLED);
  private static final Pattern HOST_PORT =
      Pattern.compile("(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):(\\d{1,5})");

  private Keys() {}

  public static Optional<Key<?>> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  static Optional<Key<?>> byEnvName(String envName) {
    return Optional.ofNullable(BY_ENV_NAME.get(envName));
  }

  /** The alias of {@code key} in {@link #ENV_ALIASES}, if it has one. */
  static Optional<String> envAlias(Key<?> key) {
    return ENV_ALIASES.entrySet().stream().filter(e -> e.getValue() == key).map(Map.Entry::getKey).findFirst();
  }

  /**
   * Checks that span keys. {@code value} gives a key's parsed value, or null when that value
   * was itself invalid (already reported), in which case the check is skipped.
   */
  static void checkAcrossKeys(Function<Key<?>, Object> value, Function<Key<?>, String> shown,
      List<String> problems) {
    var ttl = (Duration) value.apply(LEASE_TTL);
    var renew = (Duration) value.apply(LEASE_RENEW_INTERVAL);
    if (ttl != null && renew != null && renew.compareTo(ttl) >= 0) {
      problems.add(LEASE_RENEW_INTERVAL.name() + ": must be less than lease.ttl ("
          + shown.apply(LEASE_TTL) + "), got '" + shown.apply(LEASE_RENEW_INTERVAL) + "'");
    }
    var prefetch = (Integer) value.apply(CONSUMER_PREFETCH_DEFAULT);
    var prefetchMax = (Integer) value.apply(CONSUMER_PREFETCH_MAX);
    if (prefetch != null && prefetchMax != null && prefetch > prefetchMax) {
      problems.add(CONSUMER_PREFETCH_DEFAULT.name() + ": must be <= consumer.prefetch.max ("
          + prefetchMax + "), got '" + shown.apply(CONSUMER_PREFETCH_DEFAULT) + "'");
    }
    checkListener(value, problems, HTTP_PORT, HTTP_PLAIN, HTTP_TLS_PORT, HTTP_TLS_CERT, HTTP_TLS_KEY,
        HTTP_TLS_CLIENT_CA, HTTP_TLS_CLIENT_AUTH);
    checkListener(value, problems, STOMP_PORT, STOMP_PLAIN, STOMP_TLS_PORT, STOMP_TLS_CERT, STOMP_TLS_KEY,
        STOMP_TLS_CLIENT_CA, STOMP_TLS_CLIENT_AUTH);
    @SuppressWarnings("unchecked")
    var jwtKeys = (List<String>) value.apply(AUTH_JWT_KEYS);
    boolean tokens = jwtKeys != null && !jwtKeys.isEmpty() || !"".equals(value.apply(AUTH_JWT_JWKS_URL));
    if (tokens && "".equals(value.apply(AUTH_JWT_AUDIENCE))) {
      problems.add(AUTH_JWT_AUDIENCE.name() + ": must be set with " + AUTH_JWT_KEYS.name() + " or "
          + AUTH_JWT_JWKS_URL.name() + " (what a token's aud must include, the prefix of its scopes)");
    }
    for (Key<List<String>> origins : List.of(WS_ALLOWED_ORIGINS, HTTP_CORS_ALLOWED_ORIGINS)) {
      @SuppressWarnings("unchecked")
      var list = (List<String>) value.apply(origins);
      if (list != null && list.contains("*") && list.size() > 1) {
        problems.add(origins.name() + ": '*' allows any origin and cannot be listed with others, got '"
            + shown.apply(origins) + "'");
      }
    }
  }

  /**
   * A listener's TLS keys go together: a certificate with its key, client certificates with the
   * CAs to check them against; and a listener whose plain port is off must have TLS.
   */
  private static void checkListener(Function<Key<?>, Object> value, List<String> problems, Key<Integer> port,
      Key<Boolean> plain, Key<Integer> tlsPort, Key<String> cert, Key<String> key, Key<String> clientCa,
      Key<ClientAuth> clientAuth) {
    boolean hasCert = !"".equals(value.apply(cert));
    boolean hasKey = !"".equals(value.apply(key));
    boolean hasCa = !"".equals(value.apply(clientCa));
    if (hasCert && !hasKey) {
      problems.add(key.name() + ": must be set with " + cert.name() + " (the private key of its certificate)");
    }
    if (hasKey && !hasCert) {
      problems.add(cert.name() + ": must be set with " + key.name() + " (the certificate of that key)");
    }
    if (Boolean.FALSE.equals(value.apply(plain)) && !hasCert) {
      problems.add(plain.name() + ": false needs " + cert.name() + " and " + key.name()
          + ", or no listener would be left");
    }
    var auth = (ClientAuth) value.apply(clientAuth);
    boolean wantsClientCerts = auth != null && auth != ClientAuth.NONE;
    if (wantsClientCerts && !hasCa) {
      problems.add(clientAuth.name() + ": " + auth.name().toLowerCase(Locale.ROOT)
          + " needs " + clientCa.name() + " (the CAs that client certificates must chain to)");
    }
    if (auth == ClientAuth.NONE && hasCa) {
      problems.add(clientCa.name() + ": takes effect only with " + clientAuth.name()
          + " request or required, which is none");
    }
    if ((hasCa || wantsClientCerts) && !hasCert) {
      problems.add(clientAuth.name() + ": client certificates need TLS: set " + cert.name() + " and " + key.name());
    }
    Object plainPort = value.apply(port);
    if (hasCert && Boolean.TRUE.equals(value.apply(plain)) && plainPort != null && !plainPort.equals(0)
        && plainPort.equals(value.apply(tlsPort))) {
      problems.add(tlsPort.name() + ": must differ from " + port.name() + " (" + plainPort + ")");
    }
  }

  private static boolean isOrigin(String s) {
    if (s.equals("*")) {
      return true;
    }
    Matcher m = ORIGIN.matcher(s);
    return m.matches() && (m.group(1) == null || Integer.parseInt(m.group(1)) <= 65535);
  }

  private static boolean isHostPort(String s) {
    Matcher m = HOST_PORT.matcher(s);
    if (!m.matches()) {
      return false;
    }
    int port = Integer.parseInt(m.group(1));
    return port >= 1 && port <= 65535;
  }

  private static <T> Key<T> key(String name, ValueType<T> type, String defaultValue, String doc) {
    return new Key<>(name, type, defaultValue, doc, false);
  }

  private static Map<String, Key<?>> index(Function<Key<?>, String> by) {
    Map<String, Key<?>> map = new LinkedHashMap<>();
    for (Key<?> key : ALL) {
      if (map.put(by.apply(key), key) != null) {
        throw new IllegalStateException("two keys named " + by.apply(key));
      }
    }
    return Map.copyOf(map);
  }
}
