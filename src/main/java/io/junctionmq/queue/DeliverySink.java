package io.junctionmq.queue;

import io.junctionmq.model.Delivery;
import java.util.List;

/** Where a queue hands a consumer's deliveries; both methods run on the consumer's context. */
public interface DeliverySink {

  /** Deliveries for the consumer, in order. */
  void deliver(List<Delivery> deliveries);

  /** The broker ended the subscription (the queue was deleted); no more deliveries follow. */
  void cancelled(String reason);
}
