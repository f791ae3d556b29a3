package io.junctionmq.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.config.ConfigLoader;
import io.junctionmq.config.JunctionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The k8s/ manifests against the code they deploy: every JUNCTION_* variable they set is a
 * configuration key, the Hazelcast file of their ConfigMap is one Junction loads with the
 * Kubernetes join on the headless Service they define, and the ports agree.
 */
class KubernetesManifestsTest {
  private static final Path K8S = Path.of("k8s");

  @TempDir
  Path dir;

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents(String file) throws Exception {
    var docs = new ArrayList<Map<String, Object>>();
    for (Object doc : new Yaml().loadAll(Files.readString(K8S.resolve(file)))) {
      docs.add((Map<String, Object>) doc);
    }
    return docs;
  }

  private static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
    return docs.stream()
        .filter(d -> kind.equals(d.get("kind")) && name.equals(map(d, "metadata").get("name")))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> m, String... path) {
    Map<String, Object> at = m;
    for (String p : path) {
      at = (Map<String, Object>) at.get(p);
      assertNotNull(at, "missing " + p);
    }
    return at;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> container(List<Map<String, Object>> docs) {
    var spec = map(find(docs, "StatefulSet", "junction"), "spec", "template", "spec");
    return ((List<Map<String, Object>>) spec.get("containers")).get(0);
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyVariableTheNodesGetIsAConfigurationKeyAndTheConfigLoads() throws Exception {
    var env = new HashMap<String, String>();
    for (var e : (List<Map<String, Object>>) container(documents("junction.yaml")).get("env")) {
      String name = (String) e.get("name");
      if (name.startsWith("JUNCTION_")) {
        // Values from the pod (its name, IP) or a Secret: stand-ins of the same shape.
        env.put(name, e.get("value") != null ? (String) e.get("value") : switch (name) {
          case "JUNCTION_NODE_ID" -> "junction-0";
          case "JUNCTION_CLUSTER_HOST" -> "10.1.2.3";
          default -> "postgresql://junction:x@junction-postgres:5432/junction";
        });
      }
    }
    // The loader refuses an unknown JUNCTION_* variable, so this also checks the names.
    JunctionConfig config = ConfigLoader.load(env, Map.of(), dir);
    assertTrue(config.clusterEnabled());
    assertEquals("json", config.logFormat().name().toLowerCase());
    assertTrue(config.pgUri().isPresent());
  }

  @Test
  @SuppressWarnings("unchecked")
  void theConfigMapsHazelcastFileJoinsThroughTheHeadlessService() throws Exception {
    var docs = documents("junction.yaml");
    String xml = (String) map(find(docs, "ConfigMap", "junction-cluster"), "data").get("cluster.xml");
    Path file = Files.writeString(dir.resolve("cluster.xml"), xml);
    var env = Map.of("JUNCTION_CLUSTER", "true", "JUNCTION_CLUSTER_CONFIG", file.toString(),
        "JUNCTION_CLUSTER_HOST", "10.1.2.3");
    var hazelcast = HazelcastCluster.config(ConfigLoader.load(env, Map.of(), dir), dir);

    var join = hazelcast.getNetworkConfig().getJoin();
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertFalse(join.getTcpIpConfig().isEnabled());
    assertFalse(join.getMulticastConfig().isEnabled());
    var headless = find(docs, "Service", "junction-hazelcast");
    assertEquals("None", map(headless, "spec").get("clusterIP"));
    assertEquals(true, map(headless, "spec").get("publishNotReadyAddresses"));
    assertEquals(map(headless, "metadata").get("name"), join.getKubernetesConfig().getProperty("service-dns"));
    var port = ((List<Map<String, Object>>) map(headless, "spec").get("ports")).get(0);
    assertEquals(port.get("port"), Integer.parseInt(join.getKubernetesConfig().getProperty("service-port")));
    assertEquals(hazelcast.getNetworkConfig().getPort(), port.get("port"));
    assertEquals(List.of("10.1.2.3"), List.copyOf(hazelcast.getNetworkConfig().getInterfaces().getInterfaces()));
    // The maps the event bus and the membership need, as in conf/cluster.xml.
    for (String name : List.of("__vertx.haInfo", "__vertx.nodeInfo", "junction.members")) {
      assertTrue(hazelcast.getMapConfigs().containsKey(name), name);
    }
    assertTrue(hazelcast.getMultiMapConfigs().containsKey("__vertx.subs"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void portsAndProbesAgreeWithTheNode() throws Exception {
    var docs = documents("junction.yaml");
    var container = container(docs);
    var ports = new HashMap<String, Integer>();
    for (var p : (List<Map<String, Object>>) container.get("ports")) {
      ports.put((String) p.get("name"), (Integer) p.get("containerPort"));
    }
    JunctionConfig defaults = ConfigLoader.load(Map.of(), Map.of(), dir);
    assertEquals(defaults.httpPort(), ports.get("http"));
    assertEquals(defaults.stompPort(), ports.get("stomp"));
    assertEquals(defaults.clusterPort(), ports.get("hazelcast"));
    assertEquals("/health", map(container, "livenessProbe", "httpGet").get("path"));
    assertEquals("/ready", map(container, "readinessProbe", "httpGet").get("path"));
    for (var p : (List<Map<String, Object>>) map(find(docs, "Service", "junction"), "spec").get("ports")) {
      assertTrue(ports.containsKey((String) p.get("targetPort")), "Service targets port " + p.get("targetPort"));
    }
    var secret = find(documents("postgres.yaml"), "Secret", "junction-pg");
    assertTrue(map(secret, "stringData").containsKey("uri"));
  }
}
