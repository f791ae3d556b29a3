package io.junctionmq.queue;

import io.junctionmq.model.Message;
import io.vertx.core.Future;

/** Where a queue republishes its dead letters: the broker's publish, without {@code mandatory}. */
@FunctionalInterface
public interface DeadLetterSink {
  /** Publishes a dead letter; completes when the queues it was routed to hold it. */
  Future<Void> publish(Message deadLetter);
}
