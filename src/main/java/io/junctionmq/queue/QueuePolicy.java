package io.junctionmq.queue;

import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.QueueArguments;

/**
 * What a queue's {@code x-*} arguments ask of it, in the terms the state machine needs:
 * message TTL, a length limit with its overflow behaviour, where dead letters go, how many
 * deliveries a message gets, and single active consumer. Pure; times are epoch millis.
 *
 * @param messageTtl           {@code x-message-ttl} in ms, or -1 for none
 * @param maxLength            {@code x-max-length} (ready messages), or -1
 * @param maxLengthBytes       {@code x-max-length-bytes} (ready body bytes), or -1
 * @param overflow             what happens past a length limit
 * @param deadLetterExchange   {@code x-dead-letter-exchange}, or null: dead letters are dropped
 * @param deadLetterRoutingKey {@code x-dead-letter-routing-key}, or null: the message's own
 * @param deliveryLimit        {@code x-delivery-limit}: a message returned after more
 *                             deliveries than this is dead-lettered; -1 for none
 * @param deduplicationWindow  {@code x-deduplication-window} in ms when {@code
 *                             x-message-deduplication} is on, -1 when it is off
 */
public record QueuePolicy(long messageTtl, long maxLength, long maxLengthBytes, Overflow overflow,
                          String deadLetterExchange, String deadLetterRoutingKey, long deliveryLimit,
                          boolean singleActiveConsumer, long deduplicationWindow) {

  public static final QueuePolicy NONE = new QueuePolicy(-1, -1, -1, Overflow.DROP_HEAD, null, null, -1, false, -1);

  /** Never expires. */
  public static final long NEVER = Long.MAX_VALUE;

  /** RabbitMQ's {@code x-overflow} values. */
  public enum Overflow {
    /** Drop (or dead-letter) the oldest ready messages. */
    DROP_HEAD,
    /** Refuse the new message: its publisher gets an error. */
    REJECT_PUBLISH,
    /** Refuse the new message and dead-letter it. */
    REJECT_PUBLISH_DLX;

    static Overflow of(String value) {
      return value == null ? DROP_HEAD : valueOf(value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
  }

  /** Why a message became a dead letter, as RabbitMQ names the reasons. */
  public enum Reason {
    REJECTED("rejected"), EXPIRED("expired"), MAXLEN("maxlen"), DELIVERY_LIMIT("delivery_limit");

    private final String wireName;

    Reason(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  public static QueuePolicy of(QueueArguments a) {
    return new QueuePolicy(orNone(a.messageTtl()), orNone(a.maxLength()), orNone(a.maxLengthBytes()),
        Overflow.of(a.overflow()), a.deadLetterExchange(), a.deadLetterRoutingKey(), orNone(a.deliveryLimit()),
        a.singleActiveConsumer(), orNone(a.deduplicationWindow()));
  }

  /**
   * When a message enqueued at {@code now} expires: the earlier of the queue's TTL and the
   * message's own {@code expiration} (ms, as a decimal string); {@link #NEVER} without either.
   */
  public long expiresAt(Message message, long now) {
    long ttl = messageTtl;
    String expiration = message.properties().expiration();
    if (expiration != null) {
      long own = parseExpiration(expiration);
      ttl = ttl < 0 ? own : Math.min(ttl, own);
    }
    return ttl < 0 ? NEVER : saturatedAdd(now, ttl);
  }

  public boolean deduplicates() {
    return deduplicationWindow > 0;
  }

  /** Whether {@code readyCount} messages of {@code readyBytes} are over a length limit. */
  boolean overLength(long readyCount, long readyBytes) {
    return maxLength >= 0 && readyCount > maxLength || maxLengthBytes >= 0 && readyBytes > maxLengthBytes;
  }

  /** Whether a message returned after {@code deliveryCount} deliveries is done with. */
  boolean deliveriesExhausted(int deliveryCount) {
    return deliveryLimit >= 0 && deliveryCount > deliveryLimit;
  }

  /**
   * An {@code expiration} property's milliseconds, by {@link MessageProperties#expirationMillis}'s
   * rule. Throws {@link IllegalArgumentException} otherwise (publishers get INVALID_ARGUMENT).
   */
  public static long parseExpiration(String expiration) {
    try {
      return MessageProperties.expirationMillis(expiration);
    } catch (JunctionException e) {
      throw new IllegalArgumentException(e.reason());
    }
  }

  private static long orNone(Long value) {
    return value == null ? -1 : value;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? NEVER : sum;
  }
}
