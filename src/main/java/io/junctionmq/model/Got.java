package io.junctionmq.model;

/**
 * The answer to a get (AMQP's {@code basic.get}): the message taken from the head of the
 * queue, or none, and how many ready messages the queue has left (AMQP's message-count).
 *
 * @param delivery     the message taken, under its holder's tag; null when none was ready
 * @param messageCount ready messages left in the queue
 */
public record Got(Delivery delivery, long messageCount) {

  /** Nothing was ready. */
  public static Got empty(long messageCount) {
    return new Got(null, messageCount);
  }

  public boolean isEmpty() {
    return delivery == null;
  }
}
