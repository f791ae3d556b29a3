package io.junctionmq.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code x-*} arguments of a queue, typed. {@link #parse} rejects unknown {@code x-}
 * arguments and values of the wrong type, listing every problem.
 */
public record QueueArguments(
    Long messageTtl,
    Long expires,
    Long maxLength,
    Long maxLengthBytes,
    String overflow,
    String deadLetterExchange,
    String deadLetterRoutingKey,
    Integer maxPriority,
    Long deliveryLimit,
    boolean singleActiveConsumer,
    Long deduplicationWindow) {

  public static final QueueArguments NONE =
      new QueueArguments(null, null, null, null, "drop-head", null, null, null, null, false, null);

  /** {@code x-deduplication-window} when {@code x-message-deduplication} is given without it: one hour. */
  public static final long DEFAULT_DEDUPLICATION_WINDOW = 3_600_000L;
  /** The longest {@code x-deduplication-window}: seven days. */
  public static final long MAX_DEDUPLICATION_WINDOW = 7 * 24 * 3_600_000L;

  private static final Set<String> OVERFLOW = Set.of("drop-head", "reject-publish", "reject-publish-dlx");

  /** Parses queue arguments; throws {@link IllegalArgumentException} naming every bad one. */
  public static QueueArguments parse(Map<String, Object> args) {
    var errors = new ArrayList<String>();
    var r = new Reader(args, errors);
    var parsed = new QueueArguments(
        r.nonNegative("x-message-ttl"),
        r.positive("x-expires"),
        r.nonNegative("x-max-length"),
        r.nonNegative("x-max-length-bytes"),
        r.oneOf("x-overflow", OVERFLOW, "drop-head"),
        r.string("x-dead-letter-exchange"),
        r.string("x-dead-letter-routing-key"),
        r.priority(),
        r.positive("x-delivery-limit"),
        r.bool("x-single-active-consumer"),
        r.deduplicationWindow());
    for (String key : args.keySet()) {
      if (key.startsWith("x-") && !r.known.contains(key)) {
        errors.add("unknown queue argument '" + key + "'");
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
    return parsed;
  }

  private static final class Reader {
    private final Map<String, Object> args;
    private final List<String> errors;
    private final List<String> known = new ArrayList<>();

    Reader(Map<String, Object> args, List<String> errors) {
      this.args = args;
      this.errors = errors;
    }

    private Object get(String key) {
      known.add(key);
      return args.get(key);
    }

    Long number(String key, long min) {
      Object v = get(key);
      if (v == null) {
        return null;
      }
      Long n = null;
      if (v instanceof Number num) {
        n = num.longValue();
      } else {
        try {
          n = Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
          // reported below
        }
      }
      if (n == null || n < min) {
        errors.add("queue argument '" + key + "' must be an integer >= " + min + ", got '" + v + "'");
        return null;
      }
      return n;
    }

    Long nonNegative(String key) {
      return number(key, 0);
    }

    Long positive(String key) {
      return number(key, 1);
    }

    Integer priority() {
      Long p = number("x-max-priority", 1);
      if (p != null && p > 255) {
        errors.add("queue argument 'x-max-priority' must be at most 255, got " + p);
        return null;
      }
      return p == null ? null : p.intValue();
    }

    /** The window in ms when {@code x-message-deduplication} is true, else null. */
    Long deduplicationWindow() {
      boolean on = bool("x-message-deduplication");
      Long window = number("x-deduplication-window", 1);
      if (window != null && window > MAX_DEDUPLICATION_WINDOW) {
        errors.add("queue argument 'x-deduplication-window' must be at most " + MAX_DEDUPLICATION_WINDOW
            + " (7 days in ms), got " + window);
        return null;
      }
      if (!on) {
        if (args.get("x-deduplication-window") != null) {
          errors.add("queue argument 'x-deduplication-window' needs 'x-message-deduplication' true");
        }
        return null;
      }
      return window == null ? DEFAULT_DEDUPLICATION_WINDOW : window;
    }

    String string(String key) {
      Object v = get(key);
      return v == null ? null : v.toString();
    }

    String oneOf(String key, Set<String> allowed, String dflt) {
      String v = string(key);
      if (v == null) {
        return dflt;
      }
      if (!allowed.contains(v)) {
        errors.add("queue argument '" + key + "' must be one of " + allowed + ", got '" + v + "'");
        return dflt;
      }
      return v;
    }

    boolean bool(String key) {
      Object v = get(key);
      if (v == null) {
        return false;
      }
      if (v instanceof Boolean b) {
        return b;
      }
      String s = v.toString();
      if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
        return Boolean.parseBoolean(s);
      }
      errors.add("queue argument '" + key + "' must be true or false, got '" + s + "'");
      return false;
    }
  }
}
