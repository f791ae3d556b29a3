package io.junctionmq.queue;

/**
 * The reply to {@link QueueState#enqueue}: the message as the queue holds it, which the host
 * stores before it confirms the publish, or {@link #REFUSED}.
 */
public sealed interface Enqueued permits QueuedMessage, Enqueued.Refused {

  /** A length limit with {@code x-overflow} reject-publish(-dlx) refused the message. */
  Refused REFUSED = new Refused();

  /** See {@link #REFUSED}. */
  record Refused() implements Enqueued {
  }
}
