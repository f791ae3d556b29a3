package io.junctionmq.store;

import io.junctionmq.model.CodedFailure;
import io.junctionmq.model.ErrorCode;

/**
 * The store could not do what was asked (unreachable, timed out, rejected). Retriable. Its
 * message and cause are for the log; a client sees {@code store_unavailable} and a fixed reason.
 */
public class StoreException extends RuntimeException implements CodedFailure {
  public StoreException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  public StoreException(String message) {
    super(message, null, false, false);
  }

  @Override
  public ErrorCode code() {
    return ErrorCode.STORE_UNAVAILABLE;
  }

  @Override
  public String clientReason() {
    return ErrorCode.storeUnavailable().reason();
  }
}
