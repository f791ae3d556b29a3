package io.junctionmq.transport.http;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * RabbitMQ's {@code sort} and {@code sort_reverse} for lists. {@code sort} names a field of the
 * items' JSON, dotted for a nested one ({@code message_stats.publish_details.rate}). A field the
 * list can read from its items directly ({@code keys}) sorts without building any JSON; any other
 * field is read from each item's JSON. Numbers compare as numbers, strings by character, false
 * before true; an item without the field sorts first (last in reverse). The sort is stable: items
 * with equal values keep the list's own order (by name), in reverse too, so that the ten longest
 * queues come with their ties in name order. Without {@code sort}, {@code sort_reverse} reverses
 * the list.
 */
final class Sorting {
  private Sorting() {
  }

  /** {@code items} sorted by {@code field} (none: their own order), reversed if asked; a new list. */
  static <T> List<T> sort(List<T> items, String field, boolean reverse, Map<String, Function<T, ?>> keys,
                          Function<T, JsonObject> json) {
    if (field == null || field.isEmpty()) {
      List<T> sorted = new ArrayList<>(items);
      if (reverse) {
        Collections.reverse(sorted);
      }
      return sorted;
    }
    Function<T, ?> key = keys.get(field);
    return byKey(items, key != null ? key : t -> dotted(json.apply(t), field), reverse);
  }

  /** Reads each item's value once, then sorts by it. */
  private static <T> List<T> byKey(List<T> items, Function<T, ?> key, boolean reverse) {
    record Keyed<T>(T item, Object value) {
    }
    var keyed = new ArrayList<Keyed<T>>(items.size());
    for (T t : items) {
      keyed.add(new Keyed<>(t, key.apply(t)));
    }
    Comparator<Object> order = reverse ? (a, b) -> compareValues(b, a) : Sorting::compareValues;
    keyed.sort(Comparator.comparing(Keyed::value, order));
    var out = new ArrayList<T>(keyed.size());
    keyed.forEach(k -> out.add(k.item()));
    return out;
  }

  /** The value at a dotted path ({@code a.b.c}) of {@code o}, or null when a step is missing. */
  static Object dotted(JsonObject o, String path) {
    Object v = o;
    for (String step : path.split("\\.", -1)) {
      if (!(v instanceof JsonObject j)) {
        return null;
      }
      v = j.getValue(step);
    }
    return v;
  }

  /** Missing first, then booleans, numbers, strings, anything else; each kind in its natural order. */
  static int compareValues(Object a, Object b) {
    int ka = kind(a);
    int kb = kind(b);
    if (ka != kb) {
      return Integer.compare(ka, kb);
    }
    return switch (ka) {
      case 1 -> Boolean.compare((Boolean) a, (Boolean) b);
      case 2 -> Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
      case 3 -> ((String) a).compareTo((String) b);
      case 4 -> a.toString().compareTo(b.toString());
      default -> 0;
    };
  }

  private static int kind(Object v) {
    if (v == null) {
      return 0;
    }
    if (v instanceof Boolean) {
      return 1;
    }
    if (v instanceof Number) {
      return 2;
    }
    return v instanceof String ? 3 : 4;
  }
}
