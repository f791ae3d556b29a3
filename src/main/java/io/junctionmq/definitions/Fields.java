package io.junctionmq.definitions;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One object of a definitions document at its path ({@code queues[2]}): typed reads that fail
 * INVALID_ARGUMENT naming the field, and {@link #done} that refuses a field nobody read or
 * ignored, so that nothing in a document is silently dropped.
 */
final class Fields {
  private final JsonObject object;
  private final String path;
  private final Set<String> known = new LinkedHashSet<>();

  Fields(JsonObject object, String path) {
    this.object = object;
    this.path = path;
  }

  static JunctionException error(String path, String problem) {
    return ErrorCode.INVALID_ARGUMENT.error("definitions: '" + path + "' " + problem);
  }

  String path() {
    return path;
  }

  private String at(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private Object value(String field) {
    known.add(field);
    return object.getValue(field);
  }

  boolean has(String field) {
    return object.containsKey(field);
  }

  /** A string that must be there. */
  String string(String field) {
    String s = string(field, null);
    if (s == null) {
      throw error(at(field), "is required");
    }
    return s;
  }

  String string(String field, String dflt) {
    Object v = value(field);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof String s)) {
      throw error(at(field), "must be a string, got " + describe(v));
    }
    return s;
  }

  boolean bool(String field, boolean dflt) {
    Object v = value(field);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Boolean b)) {
      throw error(at(field), "must be true or false, got " + describe(v));
    }
    return b;
  }

  /** A whole number, or null when absent. */
  Long integer(String field) {
    Object v = value(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw error(at(field), "must be a whole number, got " + describe(v));
    }
    return n.longValue();
  }

  /** An object's fields as arguments; absent: none. */
  Map<String, Object> arguments(String field) {
    return object(field).object.getMap();
  }

  /** A nested object; absent: an empty one. */
  Fields object(String field) {
    Object v = value(field);
    if (v == null) {
      return new Fields(new JsonObject(), at(field));
    }
    if (!(v instanceof JsonObject o)) {
      throw error(at(field), "must be an object, got " + describe(v));
    }
    return new Fields(o, at(field));
  }

  /** An array of objects, each at its index; absent: none. */
  List<Fields> objects(String field) {
    Object v = value(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw error(at(field), "must be an array, got " + describe(v));
    }
    var list = new ArrayList<Fields>();
    for (int i = 0; i < a.size(); i++) {
      String p = at(field) + "[" + i + "]";
      if (!(a.getValue(i) instanceof JsonObject o)) {
        throw error(p, "must be an object, got " + describe(a.getValue(i)));
      }
      list.add(new Fields(o, p));
    }
    return list;
  }

  /** The raw value, read (so known); null when absent. */
  Object raw(String field) {
    return value(field);
  }

  /** Fields that are known and deliberately not used (docs/definitions.md says why). */
  Fields ignore(String... fields) {
    known.addAll(List.of(fields));
    return this;
  }

  /** Refuses a field that was neither read nor ignored. */
  void done() {
    for (String field : object.fieldNames()) {
      if (!known.contains(field)) {
        throw error(at(field), "is not a known field" + (known.isEmpty() ? "" : "; known here: "
            + String.join(", ", known)));
      }
    }
  }

  static String describe(Object v) {
    if (v instanceof String s) {
      return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    }
    if (v instanceof JsonObject) {
      return "an object";
    }
    if (v instanceof JsonArray) {
      return "an array";
    }
    return String.valueOf(v);
  }
}
