package io.junctionmq.queue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;

/**
 * A queue's consumers in the order they subscribed, served round-robin: each delivery goes
 * to the next consumer after the last one served that has credit. With single active
 * consumer only the first in line is served.
 */
final class ConsumerRing {
  private final LinkedHashMap<String, QueueConsumer> byId = new LinkedHashMap<>();
  private final ArrayList<QueueConsumer> ring = new ArrayList<>();
  private final boolean singleActive;
  private int cursor;

  ConsumerRing(boolean singleActive) {
    this.singleActive = singleActive;
  }

  boolean contains(String id) {
    return byId.containsKey(id);
  }

  QueueConsumer get(String id) {
    return byId.get(id);
  }

  void add(QueueConsumer c) {
    byId.put(c.id, c);
    ring.add(c);
  }

  /** Removes a consumer; null if there was none. */
  QueueConsumer remove(String id) {
    QueueConsumer c = byId.remove(id);
    if (c != null) {
      int i = ring.indexOf(c);
      ring.remove(i);
      if (cursor > i) {
        cursor--;
      }
    }
    return c;
  }

  int size() {
    return byId.size();
  }

  Collection<QueueConsumer> all() {
    return byId.values();
  }

  /** The next consumer with credit, round-robin; null if none. */
  QueueConsumer next() {
    if (singleActive) {
      return ring.isEmpty() || !ring.get(0).hasCredit() ? null : ring.get(0);
    }
    int n = ring.size();
    for (int i = 0; i < n; i++) {
      int at = (cursor + i) % n;
      QueueConsumer c = ring.get(at);
      if (c.hasCredit()) {
        cursor = (at + 1) % n;
        return c;
      }
    }
    return null;
  }
}
