package io.junctionmq.transport.stomp;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become ERROR frames: {@code message} says what went wrong in a
 * line, {@code code} is the catalog's code, the body repeats the reason. Internal errors are
 * logged here, once, and reach the client without their details.
 */
final class StompErrors {
  private static final Logger log = LoggerFactory.getLogger(StompErrors.class);

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
    if (failure instanceof JunctionException j) {
      return j;
    }
    if (failure instanceof StompProtocolException p) {
      return protocol(p.getMessage());
    }
    log.error("STOMP session {}: unexpected failure", session, failure);
    return ErrorCode.INTERNAL_ERROR.error("internal error; the broker's log has the details");
  }

  private static String oneLine(String s) {
    String line = s.replace('\n', ' ').replace('\r', ' ');
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
