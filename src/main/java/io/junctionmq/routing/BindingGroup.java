package io.junctionmq.routing;

import io.junctionmq.model.Binding;
import java.util.List;

/**
 * Bindings that match exactly the same messages (one routing key of a direct exchange, one
 * pattern of a topic exchange, every binding of a fanout exchange), with their destinations
 * computed once.
 */
record BindingGroup(List<Binding> bindings, Destinations destinations) {

  static final BindingGroup EMPTY = new BindingGroup(List.of(), Destinations.NONE);

  boolean isEmpty() {
    return bindings.isEmpty();
  }

  boolean contains(Binding b) {
    return bindings.contains(b);
  }

  BindingGroup plus(Binding b) {
    return new BindingGroup(CopyOnWrite.plus(bindings, b), destinations.with(b));
  }

  BindingGroup minus(Binding b) {
    var rest = CopyOnWrite.minus(bindings, b);
    // Two bindings may differ only in arguments; the destination stays while one remains.
    boolean stillBound = rest.stream().anyMatch(o -> o.destinationType() == b.destinationType()
        && o.destination().equals(b.destination()));
    return new BindingGroup(rest, stillBound ? destinations : destinations.without(b));
  }
}
