package io.junctionmq.store;

/** The store could not do what was asked (unreachable, timed out, rejected). Retriable. */
public class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause, false, false);
  }

  public StoreException(String message) {
    super(message, null, false, false);
  }
}
