package io.junctionmq.broker;

import io.junctionmq.model.AckMode;

/**
 * How to consume: a consumer tag (null or empty: the broker makes one), prefetch (0: the configured
 * default) and ack mode.
 */
public record ConsumeOptions(String consumerTag, int prefetch, AckMode ackMode) {
  public static ConsumeOptions of(int prefetch, AckMode ackMode) {
    return new ConsumeOptions(null, prefetch, ackMode);
  }
}
