package io.junctionmq.routing;

import io.junctionmq.model.Binding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * The queues and exchanges that bindings route a message to. Both lists are immutable, sorted
 * by name and hold each name once, so that a router can hand out the same instance to every
 * message it matches, and routing can return the queue list without copying it.
 */
public record Destinations(List<String> queues, List<String> exchanges) {

  public static final Destinations NONE = new Destinations(List.of(), List.of());

  public Destinations {
    queues = sortedDistinct(queues);
    exchanges = sortedDistinct(exchanges);
  }

  public boolean isEmpty() {
    return queues.isEmpty() && exchanges.isEmpty();
  }

  /** These destinations plus the destination of {@code b}. */
  Destinations with(Binding b) {
    return b.destinationType() == Binding.DestinationType.QUEUE
        ? new Destinations(insert(queues, b.destination()), exchanges)
        : new Destinations(queues, insert(exchanges, b.destination()));
  }

  /** These destinations without the destination of {@code b}. */
  Destinations without(Binding b) {
    return b.destinationType() == Binding.DestinationType.QUEUE
        ? new Destinations(delete(queues, b.destination()), exchanges)
        : new Destinations(queues, delete(exchanges, b.destination()));
  }

  static Destinations union(List<Destinations> parts) {
    var queues = new TreeSet<String>();
    var exchanges = new TreeSet<String>();
    for (Destinations d : parts) {
      queues.addAll(d.queues);
      exchanges.addAll(d.exchanges);
    }
    return new Destinations(new ArrayList<>(queues), new ArrayList<>(exchanges));
  }

  private static List<String> insert(List<String> names, String name) {
    int i = Collections.binarySearch(names, name);
    if (i >= 0) {
      return names;
    }
    var copy = new ArrayList<String>(names.size() + 1);
    copy.addAll(names);
    copy.add(-i - 1, name);
    return copy;
  }

  private static List<String> delete(List<String> names, String name) {
    int i = Collections.binarySearch(names, name);
    if (i < 0) {
      return names;
    }
    var copy = new ArrayList<>(names);
    copy.remove(i);
    return copy;
  }

  private static List<String> sortedDistinct(List<String> names) {
    for (int i = 1; i < names.size(); i++) {
      if (names.get(i - 1).compareTo(names.get(i)) >= 0) {
        return List.copyOf(new TreeSet<>(names));
      }
    }
    return List.copyOf(names);
  }
}
