package io.junctionmq.broker;

import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueStats;

/** A queue's declaration, the node that owns it, and its counts. */
public record QueueInfo(Queue queue, long id, String node, QueueStats stats) {
}
