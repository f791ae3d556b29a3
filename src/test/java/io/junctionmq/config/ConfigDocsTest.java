package io.junctionmq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Keeps docs/configuration.md and conf/junction.json in step with {@link Keys}. */
class ConfigDocsTest {
  private static final Pattern DOC_ROW = Pattern.compile("^\\| `([a-z0-9.-]+)` \\|.*", Pattern.MULTILINE);

  @Test
  void everyKeyHasItsRowInTheDocs() throws IOException {
    String docs = Files.readString(Path.of("docs/configuration.md"));

    for (Key<?> key : Keys.ALL) {
      String row = row(key);
      assertTrue(docs.contains(row + "\n"), "docs/configuration.md needs the row:\n" + row);
    }
  }

  @Test
  void docsListOnlyKeysThatExistInTableOrder() throws IOException {
    Matcher m = DOC_ROW.matcher(Files.readString(Path.of("docs/configuration.md")));
    List<String> documented = m.results().map(r -> r.group(1)).collect(Collectors.toList());

    assertEquals(Keys.ALL.stream().map(Key::name).collect(Collectors.toList()), documented);
  }

  @Test
  void confFileHoldsExactlyTheBuiltInDefaults() throws IOException {
    JsonObject file = new JsonObject(Files.readString(Path.of("conf/junction.json")));

    assertEquals(Keys.ALL.stream().map(Key::name).collect(Collectors.toList()),
        List.copyOf(file.fieldNames()), "conf/junction.json keys, in table order");
    assertEquals(JunctionConfig.defaults(), ConfigLoader.load(file, Map.of(), Map.of()));
  }

  @Test
  void everyDefaultIsValidAndEveryKeyHasAnEnvironmentTwin() {
    for (Key<?> key : Keys.ALL) {
      key.type().parse(key.defaultValue());
      assertEquals(key, Keys.byEnvName(key.envName()).orElseThrow());
    }
    assertEquals("JUNCTION_PG_POOL_MAX_SIZE", Keys.PG_POOL_MAX_SIZE.envName());
  }

  private static String row(Key<?> key) {
    String shownDefault = key.defaultValue().isEmpty() ? "*(empty)*" : "`" + key.defaultValue() + "`";
    return "| `" + key.name() + "` | `" + key.envName() + "` | " + key.type().name() + " | "
        + shownDefault + " | " + key.doc() + " |";
  }
}
