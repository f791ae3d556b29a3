package io.junctionmq.model;

import java.util.Map;

/**
 * The properties a producer may set on a message, as in AMQP 0-9-1. Every field except
 * {@code persistent} and {@code headers} may be null.
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

  public static final MessageProperties TRANSIENT = builder().build();
  public static final MessageProperties PERSISTENT = builder().persistent(true).build();

  public MessageProperties {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
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
