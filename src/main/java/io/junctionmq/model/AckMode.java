package io.junctionmq.model;

import java.util.Locale;

/** How a consumer settles deliveries, with STOMP's names. */
public enum AckMode {
  /** Settled when delivered; the consumer returns credit as it processes. */
  AUTO,
  /** An ack settles its delivery and every earlier one of the consumer (cumulative). */
  CLIENT,
  /** An ack settles only its own delivery. */
  CLIENT_INDIVIDUAL;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static AckMode of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
