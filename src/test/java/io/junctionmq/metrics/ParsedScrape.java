package io.junctionmq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.junctionmq.transport.NodeScript;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scrape of {@code /metrics}, parsed by the npm package {@code parse-prometheus-text-format}
 * (src/test/js/prometheus-scrape.mjs), so that what is checked is what a real parser read.
 * Families are named as in the exposition: a counter {@code x_total}, a histogram by its base.
 */
final class ParsedScrape {
  private final String contentType;
  private final JsonObject families;

  private ParsedScrape(String contentType, JsonObject families) {
    this.contentType = contentType;
    this.families = families;
  }

  /** Scrapes {@code url}, keeping the families whose names start with one of {@code prefixes}. */
  static ParsedScrape of(String url, String... prefixes) {
    return as(null, url, prefixes);
  }

  /** As {@link #of}, sending {@code authorization} (null: none) as the {@code Authorization} header. */
  static ParsedScrape as(String authorization, String url, String... prefixes) {
    var env = new HashMap<String, String>(Map.of("URL", url, "PREFIXES", String.join(",", prefixes)));
    if (authorization != null) {
      env.put("AUTHORIZATION", authorization);
    }
    var result = NodeScript.run("prometheus-scrape.mjs", env, Duration.ofSeconds(60));
    assertEquals(0, result.exitCode(), result.output());
    for (String line : result.output().split("\n")) {
      if (line.startsWith("SCRAPE ")) {
        JsonObject o = new JsonObject(line.substring("SCRAPE ".length()));
        return new ParsedScrape(o.getString("contentType"), o.getJsonObject("families"));
      }
    }
    return fail("no SCRAPE line:\n" + result.output());
  }

  String contentType() {
    return contentType;
  }

  Set<String> families() {
    return families.fieldNames();
  }

  String type(String family) {
    return family(family).getString("type");
  }

  /** The value of the sample with exactly {@code labels}, or null when there is none. */
  Double value(String family, Map<String, String> labels) {
    for (JsonObject m : metrics(family)) {
      if (labels(m).equals(labels)) {
        return Double.parseDouble(m.getString("value"));
      }
    }
    return null;
  }

  /** The value of a sample without labels; fails when there is none. */
  double value(String family) {
    Double v = value(family, Map.of());
    if (v == null) {
      fail("no sample of " + family + " without labels: " + families.getValue(family));
    }
    return v;
  }

  /** The {@code _count} of a histogram without labels. */
  double count(String histogram) {
    List<JsonObject> m = metrics(histogram);
    assertEquals(1, m.size(), histogram + ": " + m);
    return Double.parseDouble(m.get(0).getString("count"));
  }

  /** The label sets of every sample of {@code family} (none when it is absent). */
  List<Map<String, String>> labelSets(String family) {
    var sets = new ArrayList<Map<String, String>>();
    if (families.containsKey(family)) {
      metrics(family).forEach(m -> sets.add(labels(m)));
    }
    return sets;
  }

  private JsonObject family(String name) {
    JsonObject f = families.getJsonObject(name);
    if (f == null) {
      fail("no family " + name + " in " + families.fieldNames());
    }
    return f;
  }

  private List<JsonObject> metrics(String family) {
    var out = new ArrayList<JsonObject>();
    family(family).getJsonArray("metrics").forEach(m -> out.add((JsonObject) m));
    return out;
  }

  private static Map<String, String> labels(JsonObject metric) {
    var labels = new HashMap<String, String>();
    JsonObject l = metric.getJsonObject("labels");
    if (l != null) {
      l.forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return labels;
  }
}
