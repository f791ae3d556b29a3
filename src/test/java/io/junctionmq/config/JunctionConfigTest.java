package io.junctionmq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JunctionConfigTest {
  @Test
  void withReturnsAChangedCopyAndLeavesTheOriginalAlone() {
    JunctionConfig defaults = JunctionConfig.defaults();

    JunctionConfig config = defaults.with("http.port", 0).with("pg.embedded.fsync", false);

    assertEquals(0, config.httpPort());
    assertFalse(config.pgEmbeddedFsync());
    assertEquals(8080, defaults.httpPort());
    assertTrue(defaults.pgEmbeddedFsync());
  }

  @Test
  void withAcceptsDurationsAndCollectionsAsWellAsText() {
    JunctionConfig config = JunctionConfig.defaults()
        .with(Map.of("lease.ttl", Duration.ofSeconds(1), "lease.renew-interval", "300ms"))
        .with("cluster.members", List.of("a:1", "b:2"))
        .with("queue.window.bytes", "512KiB");

    assertEquals(Duration.ofSeconds(1), config.leaseTtl());
    assertEquals(Duration.ofMillis(300), config.leaseRenewInterval());
    assertEquals(List.of("a:1", "b:2"), config.clusterMembers());
    assertEquals(512 * 1024, config.queueWindowBytes());
  }

  @Test
  void withRejectsUnknownKeysAndBadValuesTogether() {
    var e = assertThrows(ConfigException.class,
        () -> JunctionConfig.defaults().with(Map.of("http.prot", 1, "http.port", -1)));

    assertEquals(List.of("http.prot: unknown key", "http.port: must be 0..65535, got '-1'"),
        e.problems());
  }

  @Test
  void withChecksAcrossKeys() {
    assertThrows(ConfigException.class, () -> JunctionConfig.defaults().with("lease.ttl", "3s"));
  }

  @Test
  void nodeIdIsDerivedFromHostNameAndHttpPortWhenEmpty() throws Exception {
    String host = InetAddress.getLocalHost().getHostName();

    assertEquals(host + "-8080", JunctionConfig.defaults().nodeId());
    assertEquals(host + "-9000", JunctionConfig.defaults().with("http.port", 9000).nodeId());
  }

  @Test
  void explicitNodeIdIsUsedAsGiven() {
    assertEquals("n1", JunctionConfig.defaults().with("node.id", "n1").nodeId());
    assertThrows(ConfigException.class, () -> JunctionConfig.defaults().with("node.id", "a b"));
  }

  @Test
  void embeddedPostgresLivesUnderTheDataDirectory() {
    var config = JunctionConfig.defaults().with("data.dir", "/var/lib/junction");

    assertEquals("/var/lib/junction/postgres", config.pgEmbeddedDataDir().toString());
  }

  @Test
  void toStringListsEveryKeyInTableOrder() {
    String text = JunctionConfig.defaults().toString();

    assertTrue(text.startsWith("JunctionConfig{node.id=, http.port=8080,"), text);
    assertTrue(text.endsWith("log.format=text}"), text);
  }
}
