package io.junctionmq.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Builds a {@link JunctionConfig} from, highest precedence first: system properties
 * ({@code -Djunction.http.port=0} or {@code -DJUNCTION_HTTP_PORT=0}), environment variables
 * ({@code JUNCTION_HTTP_PORT}), the config file, and the built-in defaults in {@link Keys}.
 */
public final class ConfigLoader {
  /** Read from the working directory when present and no other file is named. */
  public static final String DEFAULT_FILE = "conf/junction.json";
  static final String FILE_ENV = "JUNCTION_CONFIG";
  static final String FILE_PROPERTY = "junction.config";

  private ConfigLoader() {}

  /**
   * Loads the configuration of this process: {@code System.getenv()}, {@code
   * System.getProperties()}, and the file they name or {@code conf/junction.json}.
   *
   * @throws ConfigException listing every problem
   */
  public static JunctionConfig load() {
    Map<String, String> properties = new HashMap<>();
    System.getProperties().stringPropertyNames()
        .forEach(name -> properties.put(name, System.getProperty(name)));
    return load(System.getenv(), properties, Path.of(""));
  }

  /**
   * Finds the config file ({@code -Djunction.config}, {@code JUNCTION_CONFIG}, else {@code
   * conf/junction.json} under {@code workingDir} if it exists), reads it and resolves.
   *
   * @throws ConfigException listing every problem, including an unreadable file
   */
  public static JunctionConfig load(Map<String, String> env, Map<String, String> properties,
      Path workingDir) {
    List<String> problems = new ArrayList<>();
    String named = firstNonBlank(
        properties.get(FILE_PROPERTY), properties.get(FILE_ENV), env.get(FILE_ENV));
    String label = named != null ? named : DEFAULT_FILE;
    Path path = workingDir.resolve(label);
    JsonObject file = new JsonObject();
    if (named != null && !Files.exists(path)) {
      problems.add(label + ": config file not found");
    } else if (Files.exists(path)) {
      try {
        file = new JsonObject(Files.readString(path));
      } catch (IOException e) {
        problems.add(label + ": cannot read config file (" + e + ")");
      } catch (DecodeException | ClassCastException e) {
        problems.add(label + ": config file is not a JSON object (" + e.getMessage() + ")");
      }
    }
    return resolve(file, label, env, properties, problems);
  }

  /**
   * Pure: resolves a config file's JSON, an environment and system properties into a config.
   *
   * @throws ConfigException listing every problem
   */
  public static JunctionConfig load(JsonObject file, Map<String, String> env,
      Map<String, String> properties) {
    return resolve(file, "the config file", env, properties, new ArrayList<>());
  }

  private static JunctionConfig resolve(JsonObject file, String fileLabel,
      Map<String, String> env, Map<String, String> properties, List<String> problems) {
    Map<String, Setting> settings = new HashMap<>();
    Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", file, flat);
    flat.forEach((name, value) -> {
      var key = Keys.byName(name);
      if (key.isEmpty()) {
        problems.add(name + ": unknown key in " + fileLabel);
      } else if (value instanceof JsonArray && !(key.get().type() instanceof ValueType.ListValue)) {
        problems.add(name + ": must be a single value, not a JSON array (from " + fileLabel + ")");
      } else if (value != null) {
        settings.put(name, new Setting(fileRaw(value), fileLabel));
      }
    });
    new TreeSet<>(env.keySet()).stream()
        .filter(name -> name.startsWith("JUNCTION_") && !name.equals(FILE_ENV))
        .filter(name -> Keys.byEnvName(name).isEmpty() && !Keys.ENV_ALIASES.containsKey(name))
        .forEach(name -> problems.add(name + ": unknown environment variable"));
    for (Key<?> key : Keys.ALL) {
      Keys.envAlias(key).ifPresent(alias -> {
        override(settings, key, env, alias, alias);
        override(settings, key, properties, alias, "-D" + alias);
      });
      override(settings, key, env, key.envName(), key.envName());
      override(settings, key, properties, key.envName(), "-D" + key.envName());
      override(settings, key, properties, key.propertyName(), "-D" + key.propertyName());
    }
    return resolve(settings, problems);
  }

  /**
   * Parses and checks every key; a key without a setting takes its default.
   *
   * @throws ConfigException if {@code problems} (which may arrive non-empty) ends non-empty
   */
  static JunctionConfig resolve(Map<String, Setting> settings, List<String> problems) {
    Map<String, String> raw = new LinkedHashMap<>();
    Map<String, Object> values = new HashMap<>();
    for (Key<?> key : Keys.ALL) {
      Setting setting = settings.getOrDefault(key.name(), new Setting(key.defaultValue(), null));
      String value = setting.raw().trim();
      raw.put(key.name(), value);
      try {
        values.put(key.name(), key.type().parse(value));
      } catch (ValueType.InvalidValue e) {
        problems.add(key.name() + ": " + e.getMessage() + ", got '" + key.shown(value) + "'"
            + (setting.source() == null ? "" : " (from " + setting.source() + ")"));
      }
    }
    Keys.checkAcrossKeys(key -> values.get(key.name()), key -> key.shown(raw.get(key.name())),
        problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new JunctionConfig(raw, values);
  }

  private static void override(Map<String, Setting> settings, Key<?> key,
      Map<String, String> source, String name, String label) {
    String value = source.get(name);
    if (value != null) {
      settings.put(key.name(), new Setting(value, label));
    }
  }

  /** Nested objects are accepted too: {"pg": {"pool": {"max-size": 8}}} is pg.pool.max-size. */
  private static void flatten(String prefix, JsonObject json, Map<String, Object> into) {
    for (String field : json.fieldNames()) {
      Object value = json.getValue(field);
      if (value instanceof JsonObject nested) {
        flatten(prefix + field + ".", nested, into);
      } else {
        into.put(prefix + field, value);
      }
    }
  }

  /** A JSON array is a list key's natural form; numbers and booleans are kept as their text. */
  private static String fileRaw(Object value) {
    if (value instanceof JsonArray array) {
      return array.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    return String.valueOf(value);
  }

  private static String firstNonBlank(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return null;
  }

  /** A raw value and where it came from ({@code null} for defaults and code). */
  record Setting(String raw, String source) {
    Setting {
      Objects.requireNonNull(raw, "raw");
    }
  }
}
