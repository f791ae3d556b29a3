package io.junctionmq.model;

import java.util.Locale;

public enum ExchangeType {
  DIRECT, FANOUT, TOPIC, HEADERS;

  /** The name used on the wire and in the store: {@code direct}, {@code fanout}, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; throws {@link IllegalArgumentException} for an unknown type. */
  public static ExchangeType of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
