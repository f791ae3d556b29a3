package io.junctionmq.cluster;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's view of the cluster's metadata: every vhost with its topology, and every queue
 * with the node that owns it. Every node knows every queue; each queue is owned by one node.
 * Read from any thread; changed on the broker's serial.
 */
public final class QueueDirectory {

  /** What follows a change of where a queue is. Called on the serial. */
  public interface Listener {
    /** The queue is at {@code q} now (declared, owned by a new node, or orphaned). */
    void located(QueueEntry q);

    /** The queue is gone from this node's view (deleted, here or elsewhere). */
    void removed(QueueEntry q, String reason);
  }

  private final Map<String, Vhost> vhosts = new ConcurrentHashMap<>();
  private final Map<Long, QueueEntry> byId = new ConcurrentHashMap<>();
  private Listener listener = new Listener() {
    @Override
    public void located(QueueEntry q) {
    }

    @Override
    public void removed(QueueEntry q, String reason) {
    }
  };

  /** Set once, before the broker starts. */
  public void listener(Listener listener) {
    this.listener = listener;
  }

  // ---- vhosts ----

  /** The vhost; fails NOT_FOUND. */
  public Vhost vhost(String name) {
    Vhost h = vhosts.get(name);
    if (h == null) {
      throw ErrorCode.noVhost(name);
    }
    return h;
  }

  /** The vhost, or null. */
  public Vhost findVhost(String name) {
    return vhosts.get(name);
  }

  /** The vhost, added with its predeclared exchanges if it was not known. */
  public Vhost addVhost(String name) {
    return vhosts.computeIfAbsent(name, Vhost::new);
  }

  /** Forgets a vhost and every queue in it; completes with the queues it forgot. */
  List<QueueEntry> removeVhost(String name, String reason) {
    Vhost h = vhosts.remove(name);
    if (h == null) {
      return List.of();
    }
    return List.copyOf(h.queues()).stream().filter(q -> remove(h, q, reason)).toList();
  }

  /** The exchange; fails NOT_FOUND for an unknown vhost or exchange. */
  public Exchange exchange(String vhost, String name) {
    Exchange x = vhost(vhost).topology().exchange(name);
    if (x == null) {
      throw ErrorCode.noExchange(vhost, name);
    }
    return x;
  }

  /** The exchange, or null when there is no such vhost or exchange. */
  public Exchange exchangeOrNull(String vhost, String name) {
    Vhost h = vhosts.get(vhost);
    return h == null ? null : h.topology().exchange(name);
  }

  public List<String> vhostNames() {
    return vhosts.keySet().stream().sorted().toList();
  }

  public Collection<Vhost> vhosts() {
    return vhosts.values();
  }

  // ---- queues ----

  /** The queue of that id, or null. */
  public QueueEntry queue(long id) {
    return byId.get(id);
  }

  /** The queue; fails NOT_FOUND for an unknown vhost or queue. */
  public QueueEntry queue(String vhost, String name) {
    QueueEntry q = vhost(vhost).queue(name);
    if (q == null) {
      throw ErrorCode.noQueue(vhost, name);
    }
    return q;
  }

  public Collection<QueueEntry> queues() {
    return byId.values();
  }

  public List<QueueEntry> ownedHere() {
    return byId.values().stream().filter(QueueEntry::ownedHere).toList();
  }

  /** Records where a queue is now (its vhost must be known); this node's consumers of it follow. */
  public void put(QueueEntry q) {
    QueueEntry before = vhost(q.vhost()).put(q);
    if (before != null && before.id() != q.id()) {
      byId.remove(before.id());
    }
    byId.put(q.id(), q);
    listener.located(q);
  }

  /** Tells the listener again where {@code q} is: consumers of it that are not attached attach. */
  public void refresh(QueueEntry q) {
    listener.located(q);
  }

  /** Forgets the queue of that id; completes with the entry it had, or null if it was not current. */
  public QueueEntry remove(long id, String reason) {
    QueueEntry q = byId.get(id);
    if (q == null) {
      return null;
    }
    Vhost h = vhosts.get(q.vhost());
    if (h == null) {
      byId.remove(id);
      return null;
    }
    return remove(h, q, reason) ? q : null;
  }

  private boolean remove(Vhost h, QueueEntry q, String reason) {
    byId.remove(q.id(), q);
    if (!h.remove(q)) {
      return false;
    }
    listener.removed(q, reason);
    return true;
  }
}
