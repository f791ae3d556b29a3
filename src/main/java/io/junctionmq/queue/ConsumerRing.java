package io.junctionmq.queue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;

/**
 * A queue's consumers in the order they subscribed, served round-robin: each delivery goes
 * to the next consumer after the last one served that has credit. With single active
 * consumer only the first in line is served. Holders (pull-only, see {@link QueueConsumer})
 * are known by tag but never in the ring, so never served and never counted.
 */
final class ConsumerRing {
  private final LinkedHashMap<String, QueueConsumer> byTag = new LinkedHashMap<>();
  private final ArrayList<QueueConsumer> ring = new ArrayList<>();
  private final boolean singleActive;
  private int cursor;

  ConsumerRing(boolean singleActive) {
    this.singleActive = singleActive;
  }

  boolean contains(String tag) {
    return byTag.containsKey(tag);
  }

  QueueConsumer get(String tag) {
    return byTag.get(tag);
  }

  void add(QueueConsumer c) {
    byTag.put(c.tag, c);
    if (!c.holder) {
      ring.add(c);
    }
  }

  /** Removes a consumer or holder; null if there was none. */
  QueueConsumer remove(String tag) {
    QueueConsumer c = byTag.remove(tag);
    if (c != null && !c.holder) {
      int i = ring.indexOf(c);
      ring.remove(i);
      if (cursor > i) {
        cursor--;
      }
    }
    return c;
  }

  /** The consumers served by the ring; holders do not count. */
  int size() {
    return ring.size();
  }

  /** Every consumer and holder. */
  Collection<QueueConsumer> all() {
    return byTag.values();
  }

  /** With single active consumer, the tag of the one served (the first in line); otherwise null. */
  String active() {
    return singleActive && !ring.isEmpty() ? ring.get(0).tag : null;
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
