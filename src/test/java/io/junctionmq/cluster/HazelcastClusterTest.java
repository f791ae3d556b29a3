package io.junctionmq.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.junctionmq.config.ConfigException;
import io.junctionmq.config.JunctionConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a node's {@code cluster.*} keys and {@code conf/cluster.xml} become its Hazelcast configuration. */
class HazelcastClusterTest {
  private static final JunctionConfig LOOPBACK_TRIO = JunctionConfig.defaults().with(Map.of(
      "cluster.enabled", true, "cluster.name", "blue", "cluster.port", 5702,
      "cluster.members", "127.0.0.1:5701,127.0.0.1:5702,127.0.0.1:5703"));

  @Test
  void membersBecomeTheOnlyJoinMethodWithExactlyThoseMembers(@TempDir Path emptyDir) {
    Config hz = HazelcastCluster.config(LOOPBACK_TRIO, emptyDir);

    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of("127.0.0.1:5701", "127.0.0.1:5702", "127.0.0.1:5703"), join.getTcpIpConfig().getMembers());
    assertFalse(join.getMulticastConfig().isEnabled());
    assertFalse(join.getKubernetesConfig().isEnabled());
    assertEquals("blue", hz.getClusterName());
    assertEquals(5702, hz.getNetworkConfig().getPort());
    assertFalse(hz.getNetworkConfig().isPortAutoIncrement());
  }

  @Test
  void loopbackMembersBindAndAdvertiseLoopbackOnly(@TempDir Path emptyDir) {
    Config hz = HazelcastCluster.config(LOOPBACK_TRIO, emptyDir);

    assertEquals(Optional.of("127.0.0.1"), HazelcastCluster.host(LOOPBACK_TRIO));
    assertTrue(hz.getNetworkConfig().getInterfaces().isEnabled());
    assertEquals(List.of("127.0.0.1"), List.copyOf(hz.getNetworkConfig().getInterfaces().getInterfaces()));
    assertEquals("false", hz.getProperty("hazelcast.socket.bind.any"));
  }

  @Test
  void membersOnOtherHostsLeaveTheChoiceOfInterfaceToHazelcastUnlessClusterHostIsSet(@TempDir Path emptyDir) {
    var spread = JunctionConfig.defaults().with("cluster.members", "10.0.0.1:5701,127.0.0.1:5701");
    assertEquals(Optional.empty(), HazelcastCluster.host(spread));
    assertFalse(HazelcastCluster.config(spread, emptyDir).getNetworkConfig().getInterfaces().isEnabled());

    var pinned = spread.with("cluster.host", "10.0.0.2");
    assertEquals(Optional.of("10.0.0.2"), HazelcastCluster.host(pinned));
    assertEquals(List.of("10.0.0.2"),
        List.copyOf(HazelcastCluster.config(pinned, emptyDir).getNetworkConfig().getInterfaces().getInterfaces()));
  }

  @Test
  void withoutMembersTheJoinOfTheFileIsKept(@TempDir Path emptyDir) {
    Config hz = HazelcastCluster.config(JunctionConfig.defaults(), emptyDir);

    JoinConfig join = hz.getNetworkConfig().getJoin();
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertEquals(List.of(), join.getTcpIpConfig().getMembers());
    assertEquals(Optional.empty(), HazelcastCluster.host(JunctionConfig.defaults()));
    assertEquals("junction", hz.getClusterName());
    assertEquals(5701, hz.getNetworkConfig().getPort());
  }

  @Test
  void theShippedFileDetectsAHungMemberWithinSecondsAndKeepsTheMapsOfVertxHazelcast(@TempDir Path emptyDir) {
    Config hz = HazelcastCluster.config(JunctionConfig.defaults(), emptyDir);

    assertEquals("1", hz.getProperty("hazelcast.heartbeat.interval.seconds"));
    assertEquals("5", hz.getProperty("hazelcast.max.no.heartbeat.seconds"));
    assertEquals("0", hz.getProperty("hazelcast.wait.seconds.before.join"));
    assertEquals(2, hz.getNetworkConfig().getJoin().getTcpIpConfig().getConnectionTimeoutSeconds());
    assertFalse(hz.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
    assertTrue(hz.getNetworkConfig().isReuseAddress());
    assertEquals(1, hz.getMultiMapConfig("__vertx.subs").getBackupCount());
    assertTrue(hz.getMapConfigs().containsKey("__vertx.nodeInfo"));
    assertTrue(hz.getMapConfigs().containsKey(HazelcastMembership.MAP));
  }

  @Test
  void theRepositoryCopyIsTheOneInTheJar() throws IOException {
    try (var in = HazelcastCluster.class.getClassLoader().getResourceAsStream(HazelcastCluster.CLASSPATH_CONFIG)) {
      assertEquals(Files.readString(Path.of("conf", "cluster.xml")), new String(in.readAllBytes(), "UTF-8"));
    }
  }

  @Test
  void aFileInTheWorkingDirectoryOrNamedByClusterConfigReplacesTheJarsCopy(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/cluster.xml"), hazelcastFile("77"));
    Files.writeString(dir.resolve("other.xml"), hazelcastFile("88"));

    assertEquals("77", HazelcastCluster.config(JunctionConfig.defaults(), dir)
        .getProperty("hazelcast.max.no.heartbeat.seconds"));
    assertEquals("88", HazelcastCluster.config(JunctionConfig.defaults().with("cluster.config", "other.xml"), dir)
        .getProperty("hazelcast.max.no.heartbeat.seconds"));
  }

  @Test
  void aNamedFileThatIsMissingOrInvalidIsAConfigurationError(@TempDir Path dir) throws IOException {
    var missing = assertThrows(ConfigException.class,
        () -> HazelcastCluster.config(JunctionConfig.defaults().with("cluster.config", "nope.xml"), dir));
    assertTrue(missing.getMessage().contains("cluster.config " + dir.resolve("nope.xml") + ": Hazelcast config file not found"),
        missing.getMessage());

    Files.writeString(dir.resolve("bad.xml"), "<hazelcast><no-such-element/></hazelcast>");
    var invalid = assertThrows(ConfigException.class,
        () -> HazelcastCluster.config(JunctionConfig.defaults().with("cluster.config", "bad.xml"), dir));
    assertTrue(invalid.getMessage().contains("invalid Hazelcast config"), invalid.getMessage());
  }

  @Test
  void loopbackIsJudgedByTheAddressText() {
    for (String yes : List.of("127.0.0.1:5701", "127.1.2.3:1", "localhost:5701", "[::1]:5701")) {
      assertTrue(HazelcastCluster.isLoopback(yes), yes);
    }
    for (String no : List.of("10.0.0.1:5701", "host1:5701", "[fe80::1]:5701", "128.0.0.1:5701")) {
      assertFalse(HazelcastCluster.isLoopback(no), no);
    }
  }

  private static String hazelcastFile(String maxNoHeartbeat) {
    return """
        <hazelcast xmlns="http://www.hazelcast.com/schema/config">
          <properties>
            <property name="hazelcast.max.no.heartbeat.seconds">%s</property>
          </properties>
        </hazelcast>
        """.formatted(maxNoHeartbeat);
  }
}
