package io.junctionmq.model;

/**
 * An expected failure with a code from the catalog and a reason fit for a client. It carries
 * no stack trace: it travels in failed futures, it is not a bug.
 */
public final class JunctionException extends RuntimeException {
  private final ErrorCode code;

  public JunctionException(ErrorCode code, String reason) {
    super(reason, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public String reason() {
    return getMessage();
  }

  @Override
  public String toString() {
    return code.wireName() + ": " + getMessage();
  }
}
