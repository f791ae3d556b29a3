package io.junctionmq.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One configuration key: its dotted name, type, default (as it would be written in the file)
 * and the one line of documentation that docs/configuration.md repeats. All keys are in
 * {@link Keys}.
 */
public record Key<T>(String name, ValueType<T> type, String defaultValue, String doc, boolean secret) {
  private static final Pattern URI_PASSWORD = Pattern.compile("(://[^:/@]*:)[^@]*@");

  /** {@code pg.pool.max-size} → {@code JUNCTION_PG_POOL_MAX_SIZE}. */
  public String envName() {
    return envName(name);
  }

  /** {@code pg.pool.max-size} → {@code junction.pg.pool.max-size}. */
  public String propertyName() {
    return "junction." + name;
  }

  static String envName(String name) {
    return "JUNCTION_" + name.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /** The raw value as it may appear in an error message or a log line: a secret URI without its password, another secret not at all. */
  String shown(String raw) {
    if (!secret) {
      return raw;
    }
    return raw.contains("://") ? URI_PASSWORD.matcher(raw).replaceAll("$1***@") : "***";
  }
}
