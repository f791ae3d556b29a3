package io.junctionmq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * conf/grafana/junction.json cannot drift from the broker: every metric its PromQL names is
 * one a node exposes (a scrape of {@link MetersTest#scrape()}, so Prometheus' suffixes are
 * the real ones), and every panel reads the dashboard's Prometheus datasource variable.
 */
class GrafanaDashboardTest {
  private static final Path DASHBOARD = Path.of("conf/grafana/junction.json");
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "bool", "and", "or", "unless", "offset", "inf", "nan");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*\\w+\\)");
  private static Set<String> exposed;
  private static JsonObject dashboard;

  @BeforeAll
  static void read() throws IOException {
    exposed = MetersTest.sampleNames(MetersTest.scrape());
    dashboard = new JsonObject(Files.readString(DASHBOARD));
  }

  /**
   * The metric names in a PromQL expression: identifiers that are neither functions, keywords,
   * labels (inside braces or after by/on/…), strings, durations nor Grafana variables.
   */
  static Set<String> metricNames(String promql) {
    String s = promql
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ")
        .replaceAll("\\$\\{?\\w+}?", " ")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String word = m.group();
      int next = m.end();
      while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
        next++;
      }
      boolean function = next < s.length() && s.charAt(next) == '(';
      if (!function && !KEYWORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }

  private static List<String> expressions() {
    var exprs = new ArrayList<String>();
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonArray targets = ((JsonObject) p).getJsonArray("targets");
      if (targets != null) {
        targets.forEach(t -> exprs.add(((JsonObject) t).getString("expr")));
      }
    }
    for (Object v : dashboard.getJsonObject("templating").getJsonArray("list")) {
      JsonObject query = ((JsonObject) v).getValue("query") instanceof JsonObject q ? q : null;
      if (query != null) {
        Matcher m = LABEL_VALUES.matcher(query.getString("query"));
        assertTrue(m.matches(), query.toString());
        exprs.add(m.group(1));
      }
    }
    return exprs;
  }

  @Test
  void theExtractorFindsMetricNamesOnly() {
    assertEquals(Set.of("junction_store_batch_rows_bucket"), metricNames(
        "histogram_quantile(0.99, sum by (le) (rate(junction_store_batch_rows_bucket{instance=~\"$instance\"}[$__rate_interval])))"));
    assertEquals(Set.of("a_total", "b_limit"), metricNames(
        "max by (vhost, queue) (a_total{q=\"x y\"} / on (instance) group_left b_limit) > bool 0"));
  }

  @Test
  void everyMetricTheDashboardQueriesIsExposed() {
    Set<String> used = new TreeSet<>();
    expressions().forEach(e -> used.addAll(metricNames(e)));
    assertFalse(used.isEmpty());

    Set<String> unknown = new TreeSet<>(used);
    unknown.removeAll(exposed);
    assertEquals(Set.of(), unknown, "names the broker does not expose; it exposes " + exposed);
  }

  @Test
  void theDashboardShowsWhatTheIssueAsksFor() {
    Set<String> used = new TreeSet<>();
    expressions().forEach(e -> used.addAll(metricNames(e)));

    for (Meters.Meter m : List.of(Meters.QUEUE_PUBLISHED, Meters.QUEUE_DELIVERED, Meters.QUEUE_ACKED,
        Meters.QUEUE_MESSAGES_READY, Meters.QUEUE_MESSAGES_UNACKED, Meters.CONNECTIONS, Meters.CLUSTER_MEMBERS)) {
      assertTrue(used.contains(m.exposed().get(0)), m.name());
    }
    for (Meters.Meter m : List.of(Meters.PUBLISH_TO_CONFIRM, Meters.PUBLISH_TO_DELIVER, Meters.STORE_COMMIT,
        Meters.STORE_BATCH_ROWS)) {
      assertTrue(used.contains(m.base() + "_bucket"), m.name());
    }
    assertTrue(used.contains("jvm_memory_used_bytes"));
  }

  @Test
  void everyPanelReadsThePrometheusDatasourceVariable() {
    JsonObject variable = dashboard.getJsonObject("templating").getJsonArray("list").getJsonObject(0);
    assertEquals("datasource", variable.getString("type"));
    assertEquals("prometheus", variable.getString("query"));
    String uid = "${" + variable.getString("name") + "}";
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonObject panel = (JsonObject) p;
      if (!"row".equals(panel.getString("type"))) {
        assertEquals(uid, panel.getJsonObject("datasource").getString("uid"), panel.getString("title"));
      }
    }
  }
}
