package io.junctionmq.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the destinations of several matched bindings. It allocates nothing until a second
 * non-empty part arrives, because most messages match a single binding or none.
 */
final class DestinationsUnion {
  private Destinations first;
  private List<Destinations> parts;

  void add(Destinations d) {
    if (d.isEmpty()) {
      return;
    }
    if (first == null) {
      first = d;
      return;
    }
    if (parts == null) {
      parts = new ArrayList<>();
      parts.add(first);
    }
    parts.add(d);
  }

  Destinations result() {
    if (parts != null) {
      return Destinations.union(parts);
    }
    return first == null ? Destinations.NONE : first;
  }
}
