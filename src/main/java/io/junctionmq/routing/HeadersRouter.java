package io.junctionmq.routing;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ExchangeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Routes a message by its headers, with RabbitMQ's rules: a binding's arguments are the
 * headers to match, and {@code x-match} says how. {@code all} (the default, also taken for an
 * unknown value) needs every one present and equal, so a binding with none matches every
 * message; {@code any} needs at least one, so a binding with none matches nothing. Other keys
 * starting with {@code x-} are ignored unless {@code x-match} is {@code all-with-x} or
 * {@code any-with-x}. A value matches a header when their string forms are equal.
 */
final class HeadersRouter implements ExchangeRouter {

  static final HeadersRouter EMPTY = new HeadersRouter(List.of(), List.of());

  private final List<Binding> bindings;
  private final List<Spec> specs;

  private HeadersRouter(List<Binding> bindings, List<Spec> specs) {
    this.bindings = bindings;
    this.specs = specs;
  }

  @Override
  public ExchangeType type() {
    return ExchangeType.HEADERS;
  }

  @Override
  public Destinations match(String routingKey, Map<String, String> headers) {
    Map<String, String> present = headers == null ? Map.of() : headers;
    var union = new DestinationsUnion();
    for (Spec spec : specs) {
      if (spec.matches(present)) {
        union.add(spec.destination);
      }
    }
    return union.result();
  }

  @Override
  public List<Binding> bindings() {
    return bindings;
  }

  @Override
  public ExchangeRouter add(Binding binding) {
    if (bindings.contains(binding)) {
      return this;
    }
    return new HeadersRouter(CopyOnWrite.plus(bindings, binding),
        CopyOnWrite.plus(specs, Spec.of(binding)));
  }

  @Override
  public ExchangeRouter remove(Binding binding) {
    int i = bindings.indexOf(binding);
    if (i < 0) {
      return this;
    }
    return new HeadersRouter(CopyOnWrite.minusAt(bindings, i), CopyOnWrite.minusAt(specs, i));
  }

  /** A binding's arguments compiled for matching: the pairs that count and how they combine. */
  private record Spec(boolean any, String[] keys, String[] values, Destinations destination) {

    static Spec of(Binding b) {
      Object mode = b.arguments().get("x-match");
      boolean any = "any".equals(mode) || "any-with-x".equals(mode);
      boolean withX = "all-with-x".equals(mode) || "any-with-x".equals(mode);
      var keys = new ArrayList<String>();
      var values = new ArrayList<String>();
      b.arguments().forEach((key, value) -> {
        if (!key.equals("x-match") && (withX || !key.startsWith("x-"))) {
          keys.add(key);
          values.add(value.toString());
        }
      });
      return new Spec(any, keys.toArray(String[]::new), values.toArray(String[]::new),
          Destinations.NONE.with(b));
    }

    boolean matches(Map<String, String> headers) {
      for (int i = 0; i < keys.length; i++) {
        boolean equal = values[i].equals(headers.get(keys[i]));
        if (equal == any) {
          return any;
        }
      }
      return !any;
    }
  }
}
