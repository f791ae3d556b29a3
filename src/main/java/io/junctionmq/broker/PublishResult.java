package io.junctionmq.broker;

/** The outcome of a confirmed publish: how many queues now hold the message. */
public record PublishResult(int queues) {
  public static final PublishResult UNROUTED = new PublishResult(0);

  public boolean routed() {
    return queues > 0;
  }
}
