package io.junctionmq.metrics;

import io.junctionmq.model.QueueStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of the queues a node owns get series of their own, and what the rest add up to. The
 * oldest queues (by store id) get series, at most {@code max}; the others are summed into one
 * series tagged {@link Meters#OTHER}. A slot freed by a queue that was deleted (or moved to
 * another node) goes to the oldest folded queue at the next update.
 *
 * <p>The sum's totals never go down, as a Prometheus counter must not: when a queue leaves the
 * sum (deleted, moved, or given a series of its own), its totals as last seen stay in it.
 * Pure; {@link QueueMeters} calls it at each scrape, one update at a time.
 */
final class QueueSeries {

  /** A queue this node owns, with its counts now. */
  record Owned(long id, String vhost, String queue, QueueStats stats) {
  }

  /** One series' tags and the counts its meters read; the counts change at each update. */
  static final class Series {
    final String vhost;
    final String queue;
    private volatile QueueStats stats;

    Series(String vhost, String queue, QueueStats stats) {
      this.vhost = vhost;
      this.queue = queue;
      this.stats = stats;
    }

    QueueStats stats() {
      return stats;
    }

    @Override
    public String toString() {
      return vhost + "/" + queue;
    }
  }

  /** What an update changed: the series whose meters are to be registered, and removed. */
  record Change(List<Series> added, List<Series> removed) {
  }

  private final int max;
  private final Map<Long, Series> own = new HashMap<>();
  private final Map<Long, QueueStats> folded = new HashMap<>();
  private final Series other = new Series(Meters.OTHER, Meters.OTHER, QueueStats.EMPTY);
  /** The totals of queues that left the sum. */
  private QueueStats retired = QueueStats.EMPTY;
  private boolean otherShown;
  private int owned;

  QueueSeries(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must be >= 0");
    }
    this.max = max;
  }

  /** Takes the queues owned now; returns the series that appeared and disappeared. */
  Change update(List<Owned> queues) {
    Set<Long> present = new HashSet<>();
    for (Owned q : queues) {
      present.add(q.id());
    }
    var removed = new ArrayList<Series>();
    for (Iterator<Map.Entry<Long, Series>> it = own.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!present.contains(e.getKey())) {
        removed.add(e.getValue());
        it.remove();
      }
    }
    for (Iterator<Map.Entry<Long, QueueStats>> it = folded.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!present.contains(e.getKey())) {
        retire(e.getValue());
        it.remove();
      }
    }
    var added = new ArrayList<Series>();
    List<Owned> byAge = queues.stream().sorted(Comparator.comparingLong(Owned::id)).toList();
    for (Owned q : byAge) {
      Series s = own.get(q.id());
      if (s != null) {
        s.stats = q.stats();
      } else if (own.size() < max) {
        QueueStats before = folded.remove(q.id());
        if (before != null) {
          retire(before);
        }
        s = new Series(q.vhost(), q.queue(), q.stats());
        own.put(q.id(), s);
        added.add(s);
      } else {
        folded.put(q.id(), q.stats());
      }
    }
    QueueStats sum = retired;
    for (QueueStats s : folded.values()) {
      sum = plus(sum, s);
    }
    other.stats = sum;
    if (!otherShown && !folded.isEmpty()) {
      otherShown = true;
      added.add(other);
    }
    owned = queues.size();
    return new Change(added, removed);
  }

  /** Queues owned at the last update. */
  int owned() {
    return owned;
  }

  /** Queues summed into the {@link Meters#OTHER} series at the last update. */
  int folded() {
    return folded.size();
  }

  /** Every series shown now (the {@link Meters#OTHER} one once a queue was ever folded). */
  List<Series> shown() {
    var all = new ArrayList<>(own.values());
    if (otherShown) {
      all.add(other);
    }
    return all;
  }

  private void retire(QueueStats last) {
    retired = plus(retired, new QueueStats(0, 0, 0, 0, last.published(), last.delivered(), last.acknowledged(),
        last.redelivered(), last.deadLettered(), 0, 0, last.deduplicated()));
  }

  static QueueStats plus(QueueStats a, QueueStats b) {
    return new QueueStats(a.messagesReady() + b.messagesReady(),
        a.messagesUnacknowledged() + b.messagesUnacknowledged(), a.messageBytesReady() + b.messageBytesReady(),
        a.consumers() + b.consumers(), a.published() + b.published(), a.delivered() + b.delivered(),
        a.acknowledged() + b.acknowledged(), a.redelivered() + b.redelivered(), a.deadLettered() + b.deadLettered(),
        a.windowMessages() + b.windowMessages(), a.windowBytes() + b.windowBytes(),
        a.deduplicated() + b.deduplicated());
  }
}
