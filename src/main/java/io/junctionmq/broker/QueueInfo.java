package io.junctionmq.broker;

import io.junctionmq.cluster.RemoteConsumers;
import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueStats;

/** A queue's declaration, its store id, the node that owns it (null while it has none), and its counts. */
public record QueueInfo(Queue queue, long id, String owner, QueueStats stats) {

  /** The tag its client knows the queue's single active consumer by; null when it has none. */
  public String singleActiveConsumerTag() {
    String ownerTag = stats.singleActiveConsumer();
    return ownerTag == null ? null : RemoteConsumers.clientTag(ownerTag, owner);
  }
}
