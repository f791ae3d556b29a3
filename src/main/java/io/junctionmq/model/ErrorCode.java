package io.junctionmq.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every error a client can see: a stable code, the HTTP status a transport answers with, and
 * whether retrying the same request may succeed; then the recurring reasons, each worded once.
 * A code crosses the wire by its {@link #wireName()}, never by its ordinal. docs/errors.md
 * lists them.
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
  LIMIT_REACHED(429, true),
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

  private static final Map<String, ErrorCode> BY_WIRE_NAME = Arrays.stream(values())
      .collect(Collectors.toUnmodifiableMap(ErrorCode::wireName, Function.identity()));

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
    return name().toLowerCase(Locale.ROOT);
  }

  /** The code whose {@link #wireName()} is {@code name}; empty for a name this version does not know. */
  public static Optional<ErrorCode> ofWireName(String name) {
    return Optional.ofNullable(name == null ? null : BY_WIRE_NAME.get(name));
  }

  public JunctionException error(String reason) {
    return new JunctionException(this, reason);
  }

  // The recurring reasons. Names are quoted as given; a caller that prints a client's bytes
  // makes them printable first.

  /** NOT_FOUND: {@code no vhost 'v'}. */
  private static final String MOVED = "moved to another node";

  public static JunctionException noVhost(String vhost) {
    return NOT_FOUND.error("no vhost '" + vhost + "'");
  }

  /** NOT_FOUND: {@code no exchange 'x' in vhost 'v'}. */
  public static JunctionException noExchange(String vhost, String exchange) {
    return NOT_FOUND.error("no exchange '" + exchange + "' in vhost '" + vhost + "'");
  }

  /** NOT_FOUND: {@code no queue 'q' in vhost 'v'}. */
  public static JunctionException noQueue(String vhost, String queue) {
    return NOT_FOUND.error("no queue '" + queue + "' in vhost '" + vhost + "'");
  }

  /** NOT_FOUND: {@code no consumer 'c' <where>}, where is "on this queue", say. */
  public static JunctionException noConsumer(String tag, String where) {
    return NOT_FOUND.error("no consumer '" + tag + "' " + where);
  }

  /** NOT_FOUND: {@code no subscription 's'}. */
  public static JunctionException noSubscription(String id) {
    return NOT_FOUND.error("no subscription '" + id + "'");
  }

  /** NOT_FOUND: {@code no subscription 's' <where>}, where is "in this session", say. */
  public static JunctionException noSubscription(String id, String where) {
    return NOT_FOUND.error("no subscription '" + id + "' " + where);
  }

  /** RESOURCE_LOCKED: {@code queue 'q' is exclusive to another connection}. */
  public static JunctionException exclusiveToAnother(String queue) {
    return RESOURCE_LOCKED.error("queue '" + queue + "' is exclusive to another connection");
  }

  /** PRECONDITION_FAILED: the exchange is declared already, as {@code existing}. */
  public static JunctionException otherAttributes(Exchange existing) {
    return PRECONDITION_FAILED.error("exchange '" + existing.name() + "' exists with other attributes (type "
        + existing.type().wireName() + ", durable " + existing.durable() + ", auto-delete " + existing.autoDelete()
        + ", internal " + existing.internal() + ", arguments " + existing.arguments() + ")");
  }

  /** PRECONDITION_FAILED: the queue is declared already, as {@code existing}. */
  public static JunctionException otherAttributes(Queue existing) {
    return PRECONDITION_FAILED.error("queue '" + existing.name() + "' exists with other attributes (durable "
        + existing.durable() + ", exclusive " + existing.exclusive() + ", auto-delete " + existing.autoDelete()
        + ", arguments " + existing.arguments() + ")");
  }

  /** ACCESS_REFUSED: {@code exchange name 'amq.x' uses the reserved prefix 'amq.'} ({@code kind}: exchange, queue). */
  public static JunctionException reservedName(String kind, String name) {
    return ACCESS_REFUSED.error(kind + " name '" + name + "' uses the reserved prefix 'amq.'");
  }

  /** QUEUE_FULL: {@code queue 'q' is full (x-overflow reject-publish)}. */
  public static JunctionException queueFull(String queue, String overflow) {
    return QUEUE_FULL.error("queue '" + queue + "' is full (x-overflow " + overflow + ")");
  }

  /** QUEUE_UNAVAILABLE: {@code queue 'q' moved to another node}. */
  public static JunctionException queueMoved(String queue) {
    return queueUnavailable(queue, MOVED);
  }

  /**
   * Whether {@code e} is a {@link #queueMoved}: the queue took the message, then could not
   * store it because it moved meanwhile, so it may have handed the message out already.
   */
  public static boolean queueMovedAfterTaking(Throwable e) {
    return e instanceof JunctionException j && j.code() == QUEUE_UNAVAILABLE && j.reason().endsWith(MOVED);
  }

  /** QUEUE_UNAVAILABLE: {@code queue 'q' <state>}: "is closed", "stopped here", "is changing owner; try again". */
  public static JunctionException queueUnavailable(String queue, String state) {
    return QUEUE_UNAVAILABLE.error("queue '" + queue + "' " + state);
  }

  /** STORE_UNAVAILABLE, with the one reason a client ever sees for it (never the database's text). */
  public static JunctionException storeUnavailable() {
    return STORE_UNAVAILABLE.error("the message store is unavailable");
  }

  /** INTERNAL_ERROR, with the one reason a client ever sees for it: what failed is in the broker's log. */
  public static JunctionException internal() {
    return INTERNAL_ERROR.error("internal error; the broker log has the details");
  }
}
