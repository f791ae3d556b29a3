package io.junctionmq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final JsonObject NO_FILE = new JsonObject();

  @Test
  void defaultsLoadWhenNothingIsSet() {
    JunctionConfig config = ConfigLoader.load(NO_FILE, Map.of(), Map.of());

    assertEquals(JunctionConfig.defaults(), config);
    assertEquals(8080, config.httpPort());
    assertEquals("0.0.0.0", config.httpHost());
    assertEquals(61613, config.stompPort());
    assertEquals(Path.of("./data"), config.dataDir());
    assertTrue(config.pgUri().isEmpty());
    assertEquals(8, config.pgPoolMaxSize());
    assertTrue(config.pgEmbeddedFsync());
    assertEquals(10_000, config.queueWindowMessages());
    assertEquals(64L * 1024 * 1024, config.queueWindowBytes());
    assertEquals(1000, config.consumerPrefetchDefault());
    assertEquals(65535, config.consumerPrefetchMax());
    assertEquals(2000, config.publishMaxInFlight());
    assertEquals(2000, config.storeBatchMaxMessages());
    assertEquals(100_000, config.storeMaxPending());
    assertEquals(Duration.ofSeconds(10), config.leaseTtl());
    assertEquals(Duration.ofSeconds(3), config.leaseRenewInterval());
    assertEquals(false, config.clusterEnabled());
    assertEquals(5701, config.clusterPort());
    assertEquals(List.of(), config.clusterMembers());
    assertEquals("junction", config.clusterName());
    assertTrue(config.clusterHost().isEmpty());
    assertTrue(config.clusterConfig().isEmpty());
    assertEquals(LogFormat.TEXT, config.logFormat());
  }

  @Test
  void junctionClusterIsTheShortFormOfClusterEnabled() {
    var env = Map.of("JUNCTION_CLUSTER", "true", "JUNCTION_CLUSTER_NAME", "blue",
        "JUNCTION_CLUSTER_MEMBERS", "127.0.0.1:5701, 127.0.0.1:5702,127.0.0.1:5703", "JUNCTION_CLUSTER_PORT", "5702");

    JunctionConfig config = ConfigLoader.load(NO_FILE, env, Map.of());

    assertTrue(config.clusterEnabled());
    assertEquals("blue", config.clusterName());
    assertEquals(5702, config.clusterPort());
    assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703"), config.clusterMembers());
  }

  @Test
  void theLongNameWinsOverTheShortFormAndABadShortFormNamesItself() {
    var both = Map.of("JUNCTION_CLUSTER", "true", "JUNCTION_CLUSTER_ENABLED", "false");
    assertEquals(false, ConfigLoader.load(NO_FILE, both, Map.of()).clusterEnabled());
    assertEquals(true, ConfigLoader.load(NO_FILE, Map.of(), Map.of("JUNCTION_CLUSTER", "true")).clusterEnabled());

    var e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(NO_FILE, Map.of("JUNCTION_CLUSTER", "yes"), Map.of()));
    assertEquals(List.of("cluster.enabled: must be true or false, got 'yes' (from JUNCTION_CLUSTER)"), e.problems());
  }

  @Test
  void clusterNameAndHostAreChecked() {
    var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(NO_FILE,
        Map.of("JUNCTION_CLUSTER_NAME", "a b", "JUNCTION_CLUSTER_HOST", "my-host"), Map.of()));

    assertEquals(List.of(
        "cluster.name: must be 1 to 64 letters, digits, '.', '_' or '-', got 'a b' (from JUNCTION_CLUSTER_NAME)",
        "cluster.host: must be empty or an IP address, got 'my-host' (from JUNCTION_CLUSTER_HOST)"), e.problems());
  }

  @Test
  void fileOverridesDefaultsAndAcceptsNestedObjects() {
    var file = new JsonObject()
        .put("http.port", 9090)
        .put("pg", new JsonObject().put("pool", new JsonObject().put("max-size", 20)))
        .put("cluster.members", List.of("a:5701", "b:5702"));

    JunctionConfig config = ConfigLoader.load(file, Map.of(), Map.of());

    assertEquals(9090, config.httpPort());
    assertEquals(20, config.pgPoolMaxSize());
    assertEquals(List.of("a:5701", "b:5702"), config.clusterMembers());
  }

  @Test
  void environmentOverridesFile() {
    var file = new JsonObject().put("pg.pool.max-size", 20).put("log.format", "text");

    JunctionConfig config = ConfigLoader.load(file,
        Map.of("JUNCTION_PG_POOL_MAX_SIZE", "30", "JUNCTION_LOG_FORMAT", "json"), Map.of());

    assertEquals(30, config.pgPoolMaxSize());
    assertEquals(LogFormat.JSON, config.logFormat());
  }

  @Test
  void logLevelComesFromTheEnvironmentLikeAnyKey() {
    JunctionConfig config = ConfigLoader.load(new JsonObject(), Map.of("JUNCTION_LOG_LEVEL", "debug"), Map.of());

    assertEquals("DEBUG", config.logLevel());
    assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new JsonObject(), Map.of("JUNCTION_LOG_LEVEL", "loud"), Map.of()));
  }

  @Test
  void systemPropertyOverridesEnvironment() {
    var env = Map.of("JUNCTION_PG_POOL_MAX_SIZE", "30", "JUNCTION_HTTP_PORT", "1");

    JunctionConfig config = ConfigLoader.load(NO_FILE, env,
        Map.of("junction.pg.pool.max-size", "40", "JUNCTION_HTTP_PORT", "2"));

    assertEquals(40, config.pgPoolMaxSize());
    assertEquals(2, config.httpPort());
  }

  @Test
  void dottedSystemPropertyWinsOverEnvironmentStyleProperty() {
    JunctionConfig config = ConfigLoader.load(NO_FILE, Map.of(),
        Map.of("junction.http.port", "3", "JUNCTION_HTTP_PORT", "4"));

    assertEquals(3, config.httpPort());
  }

  @Test
  void everyErrorIsListedAtOnceWithItsSource() {
    var file = new JsonObject().put("queue.window.messages", 0);
    var env = Map.of("JUNCTION_HTTP_PORT", "abc", "JUNCTION_LEASE_TTL", "soon");

    var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, env,
        Map.of("junction.cluster.enabled", "yes", "junction.queue.window.bytes", "64MB")));

    assertEquals(List.of(
        "http.port: must be an integer 0..65535, got 'abc' (from JUNCTION_HTTP_PORT)",
        "queue.window.messages: must be >= 1, got '0' (from the config file)",
        "queue.window.bytes: must be a size such as 65536, 512KiB, 64MiB or 1GiB, got '64MB'"
            + " (from -Djunction.queue.window.bytes)",
        "lease.ttl: must be a duration such as 500ms, 10s or 1m, got 'soon' (from JUNCTION_LEASE_TTL)",
        "cluster.enabled: must be true or false, got 'yes' (from -Djunction.cluster.enabled)"),
        e.problems());
    assertTrue(e.getMessage().startsWith("invalid configuration: http.port: must be"));
    assertEquals(0, e.getStackTrace().length);
  }

  @Test
  void unknownKeyInFileIsRejected() {
    var file = new JsonObject().put("http.prot", 80).put("http", new JsonObject().put("hots", "x"));

    var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));

    assertEquals(List.of("http.prot: unknown key in the config file",
        "http.hots: unknown key in the config file"), e.problems());
  }

  @Test
  void unknownJunctionEnvironmentVariableIsRejectedButJunctionConfigIsNot() {
    var env = Map.of("JUNCTION_HTTP_PROT", "80", "JUNCTION_CONFIG", "x.json", "HOME", "/root");

    var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(NO_FILE, env, Map.of()));

    assertEquals(List.of("JUNCTION_HTTP_PROT: unknown environment variable"), e.problems());
  }

  @Test
  void unknownSystemPropertiesAreIgnored() {
    var config = ConfigLoader.load(NO_FILE, Map.of(), Map.of("junction.jar", "x", "java.home", "/"));

    assertEquals(JunctionConfig.defaults(), config);
  }

  @Test
  void aJsonArrayForASingleValueKeyIsRejected() {
    var file = new JsonObject().put("http.host", List.of("a", "b"));

    var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));

    assertEquals(List.of("http.host: must be a single value, not a JSON array (from the config file)"),
        e.problems());
  }

  @Test
  void renewIntervalMustBeShorterThanTheLease() {
    var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(NO_FILE,
        Map.of("JUNCTION_LEASE_TTL", "2s", "JUNCTION_LEASE_RENEW_INTERVAL", "2000ms"), Map.of()));

    assertEquals(List.of("lease.renew-interval: must be less than lease.ttl (2s), got '2000ms'"),
        e.problems());
  }

  @Test
  void defaultPrefetchMustNotExceedTheMaximum() {
    var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(NO_FILE,
        Map.of("JUNCTION_CONSUMER_PREFETCH_MAX", "100"), Map.of()));

    assertEquals(List.of("consumer.prefetch.default: must be <= consumer.prefetch.max (100),"
        + " got '1000'"), e.problems());
  }

  @Test
  void crossKeyCheckIsSkippedWhenOneOfItsValuesIsAlreadyInvalid() {
    var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(NO_FILE,
        Map.of("JUNCTION_LEASE_TTL", "0s"), Map.of()));

    assertEquals(List.of("lease.ttl: must be > 0, got '0s' (from JUNCTION_LEASE_TTL)"), e.problems());
  }

  @Test
  void pgUriSchemeIsCheckedAndItsPasswordIsNeverShown() {
    var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(NO_FILE,
        Map.of("JUNCTION_PG_URI", "mysql://app:s3cret@db:3306/x"), Map.of()));

    assertEquals(List.of("pg.uri: must be empty or a postgresql:// or postgres:// URI,"
        + " got 'mysql://app:***@db:3306/x' (from JUNCTION_PG_URI)"), e.problems());

    var config = ConfigLoader.load(NO_FILE,
        Map.of("JUNCTION_PG_URI", "postgres://app:s3cret@db/x"), Map.of());
    assertEquals("postgres://app:s3cret@db/x", config.pgUri().orElseThrow());
    assertTrue(config.toString().contains("pg.uri=postgres://app:***@db/x"));
  }

  @Test
  void conventionalFileIsReadFromTheWorkingDirectory(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/junction.json"), "{\"http.port\": 7000}");

    assertEquals(7000, ConfigLoader.load(Map.of(), Map.of(), dir).httpPort());
  }

  @Test
  void missingConventionalFileMeansBuiltInDefaults(@TempDir Path dir) {
    assertEquals(JunctionConfig.defaults(), ConfigLoader.load(Map.of(), Map.of(), dir));
  }

  @Test
  void fileNamedBySystemPropertyWinsOverTheOneNamedInTheEnvironment(@TempDir Path dir)
      throws IOException {
    Files.writeString(dir.resolve("a.json"), "{\"http.port\": 7001}");
    Files.writeString(dir.resolve("b.json"), "{\"http.port\": 7002}");

    var config = ConfigLoader.load(Map.of("JUNCTION_CONFIG", "a.json"),
        Map.of("junction.config", dir.resolve("b.json").toString()), dir);

    assertEquals(7002, config.httpPort());
  }

  @Test
  void namedFileThatIsMissingOrNotJsonIsReportedWithTheOtherProblems(@TempDir Path dir)
      throws IOException {
    var missing = assertThrows(ConfigException.class, () -> ConfigLoader.load(
        Map.of("JUNCTION_CONFIG", "nope.json", "JUNCTION_HTTP_PORT", "x"), Map.of(), dir));
    assertEquals("nope.json: config file not found", missing.problems().get(0));
    assertEquals(2, missing.problems().size());

    Files.writeString(dir.resolve("bad.json"), "[1, 2]");
    var notAnObject = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("JUNCTION_CONFIG", "bad.json"), Map.of(), dir));
    assertTrue(notAnObject.problems().get(0).startsWith("bad.json: config file is not a JSON object"),
        notAnObject.getMessage());
  }

  @Test
  void unknownKeyIsNamedAfterTheFileItCameFrom(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/junction.json"), "{\"htp.port\": 1}");

    var e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(), Map.of(), dir));

    assertEquals(List.of("htp.port: unknown key in conf/junction.json"), e.problems());
  }
}
