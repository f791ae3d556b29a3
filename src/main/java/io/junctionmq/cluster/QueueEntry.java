package io.junctionmq.cluster;

import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueStats;
import io.junctionmq.queue.QueueLink;
import io.junctionmq.queue.QueueVerticle;

/**
 * A queue as this node knows it: its declaration and store id, the connection it is
 * exclusive to ({@code exclusiveOwner}, or null), the node that owns it under a lease of
 * {@code epoch} ({@code owner}, null while the queue is orphaned: its owner is gone and no
 * node has taken it over yet), and the link that reaches it. {@code local} is set when this
 * node is the owner.
 */
public record QueueEntry(long id, Queue queue, String exclusiveOwner, String owner, long epoch, QueueLink link,
                         Local local) {

  /** The queue verticle this node runs for a queue it owns, and its deployment. */
  public record Local(QueueVerticle verticle, String deploymentId) {
  }

  /** A queue this node owns, served by {@code verticle}. */
  public static QueueEntry ownedHere(long id, Queue queue, String exclusiveOwner, String self, long epoch,
                                     QueueVerticle verticle, String deploymentId) {
    return new QueueEntry(id, queue, exclusiveOwner, self, epoch, verticle, new Local(verticle, deploymentId));
  }

  /** A queue another node owns, reached through {@code link}. */
  public static QueueEntry ownedBy(long id, Queue queue, String exclusiveOwner, RemoteQueue link) {
    return new QueueEntry(id, queue, exclusiveOwner, link.owner(), link.epoch(), link, null);
  }

  /** This queue with no live owner; the link of its former owner is kept to say who that was. */
  public QueueEntry orphaned() {
    return new QueueEntry(id, queue, exclusiveOwner, null, epoch, link, null);
  }

  public boolean ownedHere() {
    return local != null;
  }

  /** The queue's owner, or its last one when it is orphaned. */
  public String formerOwner() {
    return owner != null ? owner : link instanceof RemoteQueue r ? r.owner() : null;
  }

  public String vhost() {
    return queue.vhost();
  }

  public String name() {
    return queue.name();
  }

  public QueueStats stats() {
    return link.stats();
  }
}
