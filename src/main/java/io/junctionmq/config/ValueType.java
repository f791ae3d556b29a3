package io.junctionmq.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The kinds of value a configuration key holds. Each turns a raw string (from the file, an
 * environment variable or a system property) into a typed value.
 */
public sealed interface ValueType<T>
    permits ValueType.IntValue,
        ValueType.BooleanValue,
        ValueType.TextValue,
        ValueType.SizeValue,
        ValueType.DurationValue,
        ValueType.EnumValue,
        ValueType.ListValue {

  /** The type's name as docs/configuration.md shows it. */
  String name();

  /**
   * Parses a trimmed raw value.
   *
   * @throws InvalidValue saying what the value must be, e.g. {@code must be >= 1}
   */
  T parse(String raw);

  /** A rejected value; the message completes "key: ...". Caught by the loader, so no stack. */
  final class InvalidValue extends RuntimeException {
    InvalidValue(String message) {
      super(message, null, false, false);
    }
  }

  record IntValue(int min, int max) implements ValueType<Integer> {
    @Override
    public String name() {
      return "int";
    }

    @Override
    public Integer parse(String raw) {
      int value;
      try {
        value = Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        throw new InvalidValue("must be an integer " + range());
      }
      if (value < min || value > max) {
        throw new InvalidValue("must be " + range());
      }
      return value;
    }

    private String range() {
      return max == Integer.MAX_VALUE ? ">= " + min : min + ".." + max;
    }
  }

  record BooleanValue() implements ValueType<Boolean> {
    @Override
    public String name() {
      return "boolean";
    }

    @Override
    public Boolean parse(String raw) {
      if (raw.equalsIgnoreCase("true")) {
        return true;
      }
      if (raw.equalsIgnoreCase("false")) {
        return false;
      }
      throw new InvalidValue("must be true or false");
    }
  }

  /** A string matching a pattern; {@code name} is "string", "path" or "uri" for the docs. */
  record TextValue(String name, Pattern pattern, String must) implements ValueType<String> {
    @Override
    public String parse(String raw) {
      if (!pattern.matcher(raw).matches()) {
        throw new InvalidValue("must be " + must);
      }
      return raw;
    }
  }

  /** A byte count: {@code 65536}, {@code 512KiB}, {@code 64MiB}, {@code 1GiB}. */
  record SizeValue(long min) implements ValueType<Long> {
    private static final Pattern SIZE =
        Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB)?", Pattern.CASE_INSENSITIVE);

    @Override
    public String name() {
      return "size";
    }

    @Override
    public Long parse(String raw) {
      Matcher m = SIZE.matcher(raw);
      long bytes;
      try {
        if (!m.matches()) {
          throw new NumberFormatException();
        }
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        int shift = switch (unit) {
          case "kib" -> 10;
          case "mib" -> 20;
          case "gib" -> 30;
          case "tib" -> 40;
          default -> 0;
        };
        bytes = Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
      } catch (NumberFormatException | ArithmeticException e) {
        throw new InvalidValue("must be a size such as 65536, 512KiB, 64MiB or 1GiB");
      }
      if (bytes < min) {
        throw new InvalidValue("must be >= " + min);
      }
      return bytes;
    }
  }

  /** A positive duration: {@code 500ms}, {@code 10s}, {@code 1m}, {@code 1h}, or ISO-8601. */
  record DurationValue() implements ValueType<Duration> {
    private static final Pattern DURATION =
        Pattern.compile("(\\d+)\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);

    @Override
    public String name() {
      return "duration";
    }

    @Override
    public Duration parse(String raw) {
      Duration d;
      try {
        d = parseOrNull(raw);
      } catch (RuntimeException e) {
        d = null;
      }
      if (d == null) {
        throw new InvalidValue("must be a duration such as 500ms, 10s or 1m");
      }
      if (d.isNegative() || d.isZero()) {
        throw new InvalidValue("must be > 0");
      }
      return d;
    }

    private static Duration parseOrNull(String raw) {
      // ISO-8601 lets code pass a java.time.Duration to JunctionConfig.with as it is.
      if (raw.startsWith("P") || raw.startsWith("p")) {
        return Duration.parse(raw);
      }
      Matcher m = DURATION.matcher(raw);
      if (!m.matches()) {
        return null;
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
  }

  /** One of an enum's constants, written in lower case. */
  record EnumValue<E extends Enum<E>>(Class<E> type) implements ValueType<E> {
    @Override
    public String name() {
      return "enum";
    }

    @Override
    public E parse(String raw) {
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equalsIgnoreCase(raw)) {
          return constant;
        }
      }
      throw new InvalidValue("must be one of " + String.join(", ", choices()));
    }

    public List<String> choices() {
      return Arrays.stream(type.getEnumConstants())
          .map(c -> c.name().toLowerCase(Locale.ROOT))
          .collect(Collectors.toList());
    }
  }

  /** A comma-separated list; empty entries are dropped. */
  record ListValue(Predicate<String> element, String must) implements ValueType<List<String>> {
    @Override
    public String name() {
      return "list";
    }

    @Override
    public List<String> parse(String raw) {
      List<String> items = new ArrayList<>();
      for (String item : raw.split(",")) {
        String trimmed = item.trim();
        if (trimmed.isEmpty()) {
          continue;
        }
        if (!element.test(trimmed)) {
          throw new InvalidValue("must be " + must);
        }
        items.add(trimmed);
      }
      return List.copyOf(items);
    }
  }
}
