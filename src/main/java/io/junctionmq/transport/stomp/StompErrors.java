package io.junctionmq.transport.stomp;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Failures;
import io.junctionmq.model.JunctionException;

/**
 * The one place where failures become ERROR frames: {@code message} says what went wrong in a
 * line, {@code code} is the catalog's code, the body repeats the reason. Besides STOMP's own
 * protocol errors, the translation is {@link Failures}'s: a store failure is
 * {@code store_unavailable}, a bug {@code internal_error} without its details.
 */
final class StompErrors {
  private StompErrors() {
  }

  static JunctionException protocol(String reason) {
    return ErrorCode.PROTOCOL_ERROR.error(reason);
  }

  static StompFrame frame(Throwable failure, String receiptId, String session) {
    JunctionException e = translate(failure, session);
    return StompFrame.builder(StompCommand.ERROR)
        .header("message", e.code().wireName() + ": " + oneLine(e.reason()))
        .header("code", e.code().wireName())
        .header("receipt-id", receiptId)
        .header("content-type", "text/plain")
        .body(e.reason() + "\n")
        .build();
  }

  private static JunctionException translate(Throwable failure, String session) {
    if (failure instanceof StompProtocolException p) {
      return protocol(p.getMessage());
    }
    return Failures.translate(failure, "STOMP " + session);
  }

  private static String oneLine(String s) {
    String line = s.replace('\n', ' ').replace('\r', ' ');
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
