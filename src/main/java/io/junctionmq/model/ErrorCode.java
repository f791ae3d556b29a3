package io.junctionmq.model;

/**
 * Every error a client can see: a stable code, the HTTP status a transport answers with, and
 * whether retrying the same request may succeed. docs/errors.md lists them.
 */
public enum ErrorCode {
  INVALID_ARGUMENT(400, false),
  ACCESS_REFUSED(403, false),
  NOT_FOUND(404, false),
  RESOURCE_LOCKED(409, false),
  PRECONDITION_FAILED(409, false),
  IN_USE(412, false),
  NO_ROUTE(412, false),
  QUEUE_FULL(409, true),
  UNKNOWN_DELIVERY_TAG(400, false),
  METHOD_NOT_ALLOWED(405, false),
  NOT_ACCEPTABLE(406, false),
  PAYLOAD_TOO_LARGE(413, false),
  UNSUPPORTED_MEDIA_TYPE(415, false),
  NOT_IMPLEMENTED(501, false),
  PROTOCOL_ERROR(400, false),
  UNAVAILABLE(503, true),
  STORE_UNAVAILABLE(503, true),
  QUEUE_UNAVAILABLE(503, true),
  INTERNAL_ERROR(500, true);

  private final int httpStatus;
  private final boolean retriable;

  ErrorCode(int httpStatus, boolean retriable) {
    this.httpStatus = httpStatus;
    this.retriable = retriable;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public boolean retriable() {
    return retriable;
  }

  /** The code as it appears on the wire: {@code precondition_failed}. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public JunctionException error(String reason) {
    return new JunctionException(this, reason);
  }
}
