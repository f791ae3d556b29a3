package io.junctionmq.broker;

import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueStats;

/** A queue's declaration, its store id, the node that owns it (null while it has none), and its counts. */
public record QueueInfo(Queue queue, long id, String owner, QueueStats stats) {
}
