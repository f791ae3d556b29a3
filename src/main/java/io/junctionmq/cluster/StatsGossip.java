package io.junctionmq.cluster;

import io.junctionmq.model.QueueStats;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;

/**
 * Every second, a node tells the others the counts of the queues it owns that changed, so that
 * any node lists every queue with its counts without asking its owner.
 */
final class StatsGossip {
  private final QueueDirectory directory;
  private final MetadataEvents events;
  private final Map<Long, QueueStats> announced = new HashMap<>();

  StatsGossip(QueueDirectory directory, MetadataEvents events) {
    this.directory = directory;
    this.events = events;
  }

  void announce() {
    JsonObject changed = new JsonObject();
    var owned = new HashSet<Long>();
    for (QueueEntry q : directory.ownedHere()) {
      owned.add(q.id());
      QueueStats s = q.stats();
      if (!s.equals(announced.put(q.id(), s))) {
        changed.put(Long.toString(q.id()), new JsonArray().add(s.messagesReady()).add(s.messagesUnacknowledged())
            .add(s.messageBytesReady()).add(s.consumers()).add(s.published()).add(s.delivered())
            .add(s.acknowledged()).add(s.redelivered()).add(s.deadLettered()).add(s.windowMessages())
            .add(s.windowBytes()).add(s.deduplicated()).add(s.singleActiveConsumer()));
      }
    }
    announced.keySet().retainAll(owned);
    if (!changed.isEmpty()) {
      events.stats(changed);
    }
  }

  /** Another node's counts, for the queues this node knows it owns. */
  void apply(JsonObject e) {
    String origin = e.getString("origin");
    JsonObject queues = e.getJsonObject("queues");
    for (String id : queues.fieldNames()) {
      QueueEntry q = directory.queue(Long.parseLong(id));
      if (q != null && q.link() instanceof RemoteQueue r && r.owner().equals(origin)) {
        JsonArray a = queues.getJsonArray(id);
        r.stats(new QueueStats(a.getLong(0), a.getLong(1), a.getLong(2), a.getInteger(3), a.getLong(4),
            a.getLong(5), a.getLong(6), a.getLong(7), a.getLong(8), a.getLong(9), a.getLong(10),
            a.size() > 11 ? a.getLong(11) : 0, a.size() > 12 ? a.getString(12) : null));
      }
    }
  }
}
