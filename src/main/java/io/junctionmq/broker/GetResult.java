package io.junctionmq.broker;

import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Got;
import io.junctionmq.queue.QueueLink;
import io.vertx.core.Future;

/**
 * What {@link Broker#get} took: the message (none when the queue had none ready) and the
 * count of ready messages left, AMQP's message-count. A message taken without auto-ack is
 * held for its taker until it is acked or nacked here; if the queue moves to another node
 * meanwhile, settling fails QUEUE_UNAVAILABLE and the new owner delivers it again.
 */
public final class GetResult {
  private final Got got;
  private final QueueLink link;
  private final boolean autoAck;

  GetResult(Got got, QueueLink link, boolean autoAck) {
    this.got = got;
    this.link = link;
    this.autoAck = autoAck;
  }

  /** The message taken, or null when none was ready. */
  public Delivery delivery() {
    return got.delivery();
  }

  /** Ready messages left in the queue. */
  public long messageCount() {
    return got.messageCount();
  }

  public boolean isEmpty() {
    return got.isEmpty();
  }

  /** Settles the message; completes once its removal is stored. */
  public Future<Void> ack() {
    return settled().compose(d -> link.ack(d.consumerTag(), d.deliveryTag(), false));
  }

  /** Returns the message to its place in the queue, flagged redelivered, or removes it (a dead letter, if the queue has a DLX). */
  public Future<Void> nack(boolean requeue) {
    return settled().compose(d -> link.nack(d.consumerTag(), d.deliveryTag(), false, requeue));
  }

  private Future<Delivery> settled() {
    if (got.isEmpty() || autoAck) {
      return Future.failedFuture(ErrorCode.PRECONDITION_FAILED.error(got.isEmpty() ? "nothing was taken to settle"
          : "a message taken with auto-ack is settled already"));
    }
    return Future.succeededFuture(got.delivery());
  }
}
