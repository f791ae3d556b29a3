package io.junctionmq.transport.stomp;

/**
 * Bytes that are not a STOMP frame this server accepts: malformed, an unknown command, over
 * a limit. The only exception the codec throws; it carries no stack trace.
 */
public final class StompProtocolException extends Exception {
  public StompProtocolException(String reason) {
    super(reason, null, false, false);
  }
}
