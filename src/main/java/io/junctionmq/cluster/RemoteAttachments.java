package io.junctionmq.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * On a queue's owner: the consumers and get holders of other nodes attached to the queues owned
 * here, by wire tag. A consumer ends when its node cancels it, when its node leaves the cluster
 * ({@link #departed}), or when its node, asked now and then ({@link #probes}), no longer has it
 * ({@link #gone}): a CANCEL lost on the way, or a consume the owner accepted after its node had
 * given up waiting for the answer. Holders are not asked about: a node keeps one per queue for
 * as long as it is a member.
 */
final class RemoteAttachments {
  /** One attachment. Identity matters: a consume of the same tag again is a new one. */
  record Attached(String tag, long queueId, long epoch, String node, boolean holder) {
  }

  private final Map<String, Attached> byTag = new ConcurrentHashMap<>();

  void consumer(String tag, long queueId, long epoch, String node) {
    byTag.put(tag, new Attached(tag, queueId, epoch, node, false));
  }

  void holder(String tag, long queueId, long epoch, String node) {
    byTag.put(tag, new Attached(tag, queueId, epoch, node, true));
  }

  void remove(String tag) {
    byTag.remove(tag);
  }

  /** Forgets and returns the attachments of the nodes not in {@code members}. */
  List<Attached> departed(Set<String> members) {
    var ended = new ArrayList<Attached>();
    for (Attached a : List.copyOf(byTag.values())) {
      if (!members.contains(a.node()) && byTag.remove(a.tag(), a)) {
        ended.add(a);
      }
    }
    return ended;
  }

  /** The consumers to ask each node about, by node. */
  Map<String, List<Attached>> probes() {
    var byNode = new TreeMap<String, List<Attached>>();
    for (Attached a : byTag.values()) {
      if (!a.holder()) {
        byNode.computeIfAbsent(a.node(), n -> new ArrayList<>()).add(a);
      }
    }
    return byNode;
  }

  /**
   * The node of {@code asked} answered that it no longer has the consumers of {@code goneTags}:
   * forgets and returns those still attached as they were when asked (one consumed again since is
   * another attachment, and stays).
   */
  List<Attached> gone(List<Attached> asked, Set<String> goneTags) {
    var ended = new ArrayList<Attached>();
    for (Attached a : asked) {
      if (goneTags.contains(a.tag())) {
        boolean[] removed = new boolean[1];
        byTag.computeIfPresent(a.tag(), (t, now) -> {
          removed[0] = now == a;
          return removed[0] ? null : now;
        });
        if (removed[0]) {
          ended.add(a);
        }
      }
    }
    return ended;
  }
}
