package io.junctionmq.transport.stomp;

import io.junctionmq.model.ErrorCode;

/**
 * Heart-beating as STOMP 1.2 negotiates it: the server sends every {@code sendMillis} (0:
 * never) and expects to hear from the client every {@code expectMillis} (0: never checked).
 */
record HeartBeat(long sendMillis, long expectMillis) {
  static final HeartBeat NONE = new HeartBeat(0, 0);

  /**
   * Negotiates with the client's {@code heart-beat: cx,cy} ({@code cx}: how often it can send,
   * {@code cy}: how often it wants to receive) and the server's interval used for both ways.
   */
  static HeartBeat negotiate(String clientHeader, long serverMillis) {
    if (clientHeader == null || serverMillis <= 0) {
      return NONE;
    }
    String[] parts = clientHeader.split(",");
    long cx;
    long cy;
    try {
      if (parts.length != 2) {
        throw new NumberFormatException();
      }
      cx = Long.parseLong(parts[0].trim());
      cy = Long.parseLong(parts[1].trim());
      if (cx < 0 || cy < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw ErrorCode.PROTOCOL_ERROR.error("invalid heart-beat header '" + StompDecoder.printable(clientHeader)
          + "' (expected two non-negative integers, e.g. 10000,10000)");
    }
    return new HeartBeat(cy == 0 ? 0 : Math.max(serverMillis, cy), cx == 0 ? 0 : Math.max(serverMillis, cx));
  }

  /** The CONNECTED header: what the server offers ({@code sx,sy}). */
  static String offer(long serverMillis) {
    long s = Math.max(0, serverMillis);
    return s + "," + s;
  }
}
