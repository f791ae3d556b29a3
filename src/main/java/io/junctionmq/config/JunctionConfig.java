package io.junctionmq.config;

import io.vertx.core.http.ClientAuth;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The broker's configuration: immutable, every value already checked. Load it with {@link
 * ConfigLoader#load()}; build one in code with {@code
 * JunctionConfig.defaults().with("http.port", 0).with("pg.embedded.fsync", false)}.
 */
public final class JunctionConfig {
  private static final JunctionConfig DEFAULTS =
      ConfigLoader.resolve(Map.of(), new ArrayList<>());

  private final Map<String, String> raw;
  private final Map<String, Object> values;

  JunctionConfig(Map<String, String> raw, Map<String, Object> values) {
    this.raw = Map.copyOf(raw);
    this.values = Map.copyOf(values);
  }

  /** The built-in defaults of {@link Keys}, ignoring files, environment and properties. */
  public static JunctionConfig defaults() {
    return DEFAULTS;
  }

  /**
   * A copy with one key set. The value is written as in the file ({@code "64MiB"}, {@code
   * "10s"}) or given as a number, boolean, {@link Duration} or collection.
   *
   * @throws ConfigException if the key is unknown or the result is invalid
   */
  public JunctionConfig with(String key, Object value) {
    return with(Map.of(key, value));
  }

  /**
   * A copy with several keys set at once, for values that are only valid together (a shorter
   * {@code lease.ttl} with a shorter {@code lease.renew-interval}).
   *
   * @throws ConfigException if a key is unknown or the result is invalid
   */
  public JunctionConfig with(Map<String, ?> overrides) {
    Map<String, ConfigLoader.Setting> settings = new HashMap<>();
    raw.forEach((name, value) -> settings.put(name, new ConfigLoader.Setting(value, null)));
    List<String> problems = new ArrayList<>();
    overrides.forEach((name, value) -> {
      Objects.requireNonNull(value, name);
      if (Keys.byName(name).isEmpty()) {
        problems.add(name + ": unknown key");
      } else {
        settings.put(name, new ConfigLoader.Setting(text(value), null));
      }
    });
    return ConfigLoader.resolve(settings, problems);
  }

  /** The typed value of any key. */
  @SuppressWarnings("unchecked")
  public <T> T get(Key<T> key) {
    return (T) values.get(key.name());
  }

  /** {@link Keys#NODE_ID}, or {@code <host name>-<http.port>} when it is empty. */
  public String nodeId() {
    String id = get(Keys.NODE_ID);
    return id.isEmpty() ? HostName.VALUE + "-" + httpPort() : id;
  }

  public int httpPort() {
    return get(Keys.HTTP_PORT);
  }

  public String httpHost() {
    return get(Keys.HTTP_HOST);
  }

  public int stompPort() {
    return get(Keys.STOMP_PORT);
  }

  public String stompHost() {
    return get(Keys.STOMP_HOST);
  }

  /** Whether the plain HTTP listener on {@code http.port} is open. */
  public boolean httpPlain() {
    return get(Keys.HTTP_PLAIN);
  }

  public int httpTlsPort() {
    return get(Keys.HTTP_TLS_PORT);
  }

  /** The HTTPS listener's TLS; empty when {@code http.tls.cert} is not set (no HTTPS). */
  public Optional<TlsSettings> httpTls() {
    return tls("http.tls", Keys.HTTP_TLS_CERT, Keys.HTTP_TLS_KEY, Keys.HTTP_TLS_CLIENT_CA, Keys.HTTP_TLS_CLIENT_AUTH);
  }

  /** Whether the plain STOMP listener on {@code stomp.port} is open. */
  public boolean stompPlain() {
    return get(Keys.STOMP_PLAIN);
  }

  public int stompTlsPort() {
    return get(Keys.STOMP_TLS_PORT);
  }

  /** The STOMP-over-TLS listener's TLS; empty when {@code stomp.tls.cert} is not set. */
  public Optional<TlsSettings> stompTls() {
    return tls("stomp.tls", Keys.STOMP_TLS_CERT, Keys.STOMP_TLS_KEY, Keys.STOMP_TLS_CLIENT_CA,
        Keys.STOMP_TLS_CLIENT_AUTH);
  }

  /** Origins besides the server's own whose pages may open {@code /ws}; {@code *} allows any. */
  public List<String> wsAllowedOrigins() {
    return get(Keys.WS_ALLOWED_ORIGINS);
  }

  /** Origins whose pages may call {@code /api} across origins; empty means CORS is off. */
  public List<String> httpCorsAllowedOrigins() {
    return get(Keys.HTTP_CORS_ALLOWED_ORIGINS);
  }

  private Optional<TlsSettings> tls(String prefix, Key<String> cert, Key<String> key, Key<String> clientCa,
      Key<ClientAuth> clientAuth) {
    if (get(cert).isEmpty()) {
      return Optional.empty();
    }
    String ca = get(clientCa);
    return Optional.of(new TlsSettings(prefix, Path.of(get(cert)), Path.of(get(key)),
        ca.isEmpty() ? Optional.empty() : Optional.of(Path.of(ca)), get(clientAuth)));
  }

  public long httpMaxBody() {
    return get(Keys.HTTP_MAX_BODY);
  }

  public long stompMaxFrame() {
    return get(Keys.STOMP_MAX_FRAME);
  }

  public long stompMaxHeaders() {
    return get(Keys.STOMP_MAX_HEADERS);
  }

  public Duration stompHeartbeat() {
    return get(Keys.STOMP_HEARTBEAT);
  }

  public Path dataDir() {
    return Path.of(get(Keys.DATA_DIR));
  }

  /** Empty means: start the embedded PostgreSQL in {@link #pgEmbeddedDataDir()}. */
  public Optional<String> pgUri() {
    String uri = get(Keys.PG_URI);
    return uri.isEmpty() ? Optional.empty() : Optional.of(uri);
  }

  public Path pgEmbeddedDataDir() {
    return dataDir().resolve("postgres");
  }

  public int pgPoolMaxSize() {
    return get(Keys.PG_POOL_MAX_SIZE);
  }

  public int pgEmbeddedPort() {
    return get(Keys.PG_EMBEDDED_PORT);
  }

  public boolean pgEmbeddedFsync() {
    return get(Keys.PG_EMBEDDED_FSYNC);
  }

  public int queueWindowMessages() {
    return get(Keys.QUEUE_WINDOW_MESSAGES);
  }

  public long queueWindowBytes() {
    return get(Keys.QUEUE_WINDOW_BYTES);
  }

  public int consumerPrefetchDefault() {
    return get(Keys.CONSUMER_PREFETCH_DEFAULT);
  }

  public int consumerPrefetchMax() {
    return get(Keys.CONSUMER_PREFETCH_MAX);
  }

  public int publishMaxInFlight() {
    return get(Keys.PUBLISH_MAX_IN_FLIGHT);
  }

  public int storeBatchMaxMessages() {
    return get(Keys.STORE_BATCH_MAX_MESSAGES);
  }

  public int storeMaxPending() {
    return get(Keys.STORE_MAX_PENDING);
  }

  public Duration clusterRequestTimeout() {
    return get(Keys.CLUSTER_REQUEST_TIMEOUT);
  }

  public Duration leaseTtl() {
    return get(Keys.LEASE_TTL);
  }

  public Duration leaseRenewInterval() {
    return get(Keys.LEASE_RENEW_INTERVAL);
  }

  public boolean clusterEnabled() {
    return get(Keys.CLUSTER_ENABLED);
  }

  public String clusterName() {
    return get(Keys.CLUSTER_NAME);
  }

  /** Empty means: derive it from {@code cluster.members} or let Hazelcast choose. */
  public Optional<String> clusterHost() {
    String host = get(Keys.CLUSTER_HOST);
    return host.isEmpty() ? Optional.empty() : Optional.of(host);
  }

  public int clusterPort() {
    return get(Keys.CLUSTER_PORT);
  }

  public List<String> clusterMembers() {
    return get(Keys.CLUSTER_MEMBERS);
  }

  /** The Hazelcast XML file named by {@code cluster.config}; empty means the default lookup. */
  public Optional<Path> clusterConfig() {
    String path = get(Keys.CLUSTER_CONFIG);
    return path.isEmpty() ? Optional.empty() : Optional.of(Path.of(path));
  }

  /** The level of Junction's log, upper case. */
  public String logLevel() {
    return get(Keys.LOG_LEVEL).toUpperCase(java.util.Locale.ROOT);
  }

  public int metricsQueueSeriesMax() {
    return get(Keys.METRICS_QUEUE_SERIES_MAX);
  }

  public LogFormat logFormat() {
    return get(Keys.LOG_FORMAT);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JunctionConfig other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** Every key and its value, in table order, passwords hidden: fit for the start-up log. */
  @Override
  public String toString() {
    Map<String, String> shown = new LinkedHashMap<>();
    Keys.ALL.forEach(key -> shown.put(key.name(), key.shown(raw.get(key.name()))));
    return shown.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", ", "JunctionConfig{", "}"));
  }

  private static String text(Object value) {
    if (value instanceof Collection<?> items) {
      return items.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return String.valueOf(value);
  }

  /** Looked up once, and only if a node id has to be derived. */
  private static final class HostName {
    static final String VALUE = lookup();

    private static String lookup() {
      String name;
      try {
        name = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        name = Objects.requireNonNullElse(System.getenv("HOSTNAME"), "localhost");
      }
      return name.replaceAll("[^A-Za-z0-9._-]", "-");
    }
  }
}
