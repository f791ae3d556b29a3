package io.junctionmq.model;

import java.util.Map;
import java.util.TreeMap;

/** Normalizes argument maps so that equal declarations compare equal. */
final class Arguments {
  private Arguments() {
  }

  static Map<String, Object> normalize(Map<String, Object> arguments) {
    if (arguments == null || arguments.isEmpty()) {
      return Map.of();
    }
    var sorted = new TreeMap<String, Object>();
    arguments.forEach((k, v) -> {
      if (v != null) {
        sorted.put(k, normalizeValue(v));
      }
    });
    return Map.copyOf(sorted);
  }

  private static Object normalizeValue(Object v) {
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return v;
    }
    return v.toString();
  }
}
