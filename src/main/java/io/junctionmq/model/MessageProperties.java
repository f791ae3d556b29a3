package io.junctionmq.model;

import java.util.Map;

/**
 * The properties a producer may set on a message, as in AMQP 0-9-1. Every field except
 * {@code persistent} and {@code headers} may be null. Every transport builds them here, so the
 * rules are checked here, once, with one wording: {@code priority} is AMQP's octet (0–255),
 * {@code expiration} a whole number of milliseconds that fits an int (RabbitMQ's rule),
 * {@code timestamp} is not negative. Anything else fails INVALID_ARGUMENT.
 */
public record MessageProperties(
    String messageId,
    String correlationId,
    String replyTo,
    String contentType,
    String contentEncoding,
    String type,
    String appId,
    String userId,
    Long timestamp,
    Integer priority,
    String expiration,
    boolean persistent,
    Map<String, String> headers) {

  /** The highest {@code priority}: AMQP's is an octet; a queue's {@code x-max-priority} may cap it lower. */
  public static final int MAX_PRIORITY = 255;

  public static final MessageProperties TRANSIENT = builder().build();
  public static final MessageProperties PERSISTENT = builder().persistent(true).build();

  public MessageProperties {
    if (priority != null && (priority < 0 || priority > MAX_PRIORITY)) {
      throw ErrorCode.INVALID_ARGUMENT.error("priority must be from 0 to " + MAX_PRIORITY + ", got " + priority);
    }
    if (timestamp != null && timestamp < 0) {
      throw ErrorCode.INVALID_ARGUMENT.error("timestamp must not be negative, got " + timestamp);
    }
    if (expiration != null) {
      expirationMillis(expiration);
    }
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /**
   * The milliseconds an {@code expiration} holds: a whole number from 0 to
   * {@link Integer#MAX_VALUE}. Fails INVALID_ARGUMENT otherwise. White space around it and a
   * sign are allowed because the broker always took them, and stored messages hold such texts.
   */
  public static int expirationMillis(String expiration) {
    try {
      int ms = Integer.parseInt(expiration.trim());
      if (ms >= 0) {
        return ms;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ErrorCode.INVALID_ARGUMENT.error("expiration must be a whole number of milliseconds from 0 to "
        + Integer.MAX_VALUE + ", got '" + shown(expiration) + "'");
  }

  /** A value as an error shows it: cut short, control characters replaced. */
  private static String shown(String value) {
    String cut = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    var out = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char ch = cut.charAt(i);
      out.append(ch < 0x20 || ch == 0x7f ? '?' : ch);
    }
    return out.toString();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .messageId(messageId).correlationId(correlationId).replyTo(replyTo)
        .contentType(contentType).contentEncoding(contentEncoding).type(type)
        .appId(appId).userId(userId).timestamp(timestamp).priority(priority)
        .expiration(expiration).persistent(persistent).headers(headers);
  }

  public static final class Builder {
    private String messageId;
    private String correlationId;
    private String replyTo;
    private String contentType;
    private String contentEncoding;
    private String type;
    private String appId;
    private String userId;
    private Long timestamp;
    private Integer priority;
    private String expiration;
    private boolean persistent;
    private Map<String, String> headers = Map.of();

    public Builder messageId(String v) { messageId = v; return this; }
    public Builder correlationId(String v) { correlationId = v; return this; }
    public Builder replyTo(String v) { replyTo = v; return this; }
    public Builder contentType(String v) { contentType = v; return this; }
    public Builder contentEncoding(String v) { contentEncoding = v; return this; }
    public Builder type(String v) { type = v; return this; }
    public Builder appId(String v) { appId = v; return this; }
    public Builder userId(String v) { userId = v; return this; }
    public Builder timestamp(Long v) { timestamp = v; return this; }
    public Builder priority(Integer v) { priority = v; return this; }
    public Builder expiration(String v) { expiration = v; return this; }
    public Builder persistent(boolean v) { persistent = v; return this; }
    public Builder headers(Map<String, String> v) { headers = v; return this; }

    public MessageProperties build() {
      return new MessageProperties(messageId, correlationId, replyTo, contentType, contentEncoding,
          type, appId, userId, timestamp, priority, expiration, persistent, headers);
    }
  }
}
