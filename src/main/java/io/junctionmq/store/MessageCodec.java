package io.junctionmq.store;

import io.junctionmq.model.Message;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.MessageProperties;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A compact binary form of a message's envelope (exchange, routing key, properties), and
 * optionally its body. Layout: a version byte, a 16-bit mask saying which optional fields
 * follow, the exchange and routing key, then the present fields in declaration order.
 * Strings are a varint byte length and UTF-8; the timestamp is a zig-zag varint.
 * Decoding fails with {@link IllegalArgumentException} on anything it did not write.
 */
public final class MessageCodec {
  static final byte VERSION = 1;

  private static final int MESSAGE_ID = 1;
  private static final int CORRELATION_ID = 1 << 1;
  private static final int REPLY_TO = 1 << 2;
  private static final int CONTENT_TYPE = 1 << 3;
  private static final int CONTENT_ENCODING = 1 << 4;
  private static final int TYPE = 1 << 5;
  private static final int APP_ID = 1 << 6;
  private static final int USER_ID = 1 << 7;
  private static final int TIMESTAMP = 1 << 8;
  private static final int PRIORITY = 1 << 9;
  private static final int EXPIRATION = 1 << 10;
  private static final int PERSISTENT = 1 << 11;
  private static final int HEADERS = 1 << 12;
  private static final int EXPIRES_AT = 1 << 13;
  private static final int KNOWN = (1 << 14) - 1;

  private MessageCodec() {
  }

  /** A decoded envelope; {@code expiresAt} is {@link StoredMessage#NEVER} unless one was stored. */
  public record Envelope(String exchange, String routingKey, MessageProperties properties, long expiresAt) {
    public Message withBody(byte[] body) {
      return new Message(exchange, routingKey, properties, body);
    }
  }

  /** Encodes everything but the body (what the store keeps in {@code message.props}). */
  public static byte[] encodeEnvelope(Message message) {
    return encodeEnvelope(message.exchange(), message.routingKey(), message.properties());
  }

  public static byte[] encodeEnvelope(String exchange, String routingKey, MessageProperties p) {
    Writer w = new Writer(64);
    writeEnvelope(w, exchange, routingKey, p, StoredMessage.NEVER);
    return w.toByteArray();
  }

  /** Encodes a stored message's envelope with the time it expires in its queue. */
  public static byte[] encodeEnvelope(Message message, long expiresAt) {
    Writer w = new Writer(64);
    writeEnvelope(w, message.exchange(), message.routingKey(), message.properties(), expiresAt);
    return w.toByteArray();
  }

  public static Envelope decodeEnvelope(byte[] bytes) {
    Reader r = new Reader(bytes);
    Envelope envelope = readEnvelope(r);
    r.expectEnd();
    return envelope;
  }

  /** Decodes a stored message: its envelope from {@code props} and its body. */
  public static Message decode(byte[] props, byte[] body) {
    return decodeEnvelope(props).withBody(body);
  }

  /** Decodes a row of the message table. */
  public static StoredMessage decodeStored(long seq, byte[] props, byte[] body) {
    Envelope envelope = decodeEnvelope(props);
    return new StoredMessage(seq, envelope.withBody(body), envelope.expiresAt());
  }

  /** Encodes a whole message, body included (for carrying it between nodes). */
  public static byte[] encode(Message message) {
    Writer w = new Writer(64 + message.body().length);
    writeEnvelope(w, message.exchange(), message.routingKey(), message.properties(), StoredMessage.NEVER);
    w.varint(message.body().length);
    w.bytes(message.body());
    return w.toByteArray();
  }

  public static Message decode(byte[] bytes) {
    Reader r = new Reader(bytes);
    Envelope envelope = readEnvelope(r);
    byte[] body = r.bytes(r.length());
    r.expectEnd();
    return envelope.withBody(body);
  }

  private static void writeEnvelope(Writer w, String exchange, String routingKey, MessageProperties p,
                                    long expiresAt) {
    int mask = (p.messageId() != null ? MESSAGE_ID : 0)
        | (p.correlationId() != null ? CORRELATION_ID : 0)
        | (p.replyTo() != null ? REPLY_TO : 0)
        | (p.contentType() != null ? CONTENT_TYPE : 0)
        | (p.contentEncoding() != null ? CONTENT_ENCODING : 0)
        | (p.type() != null ? TYPE : 0)
        | (p.appId() != null ? APP_ID : 0)
        | (p.userId() != null ? USER_ID : 0)
        | (p.timestamp() != null ? TIMESTAMP : 0)
        | (p.priority() != null ? PRIORITY : 0)
        | (p.expiration() != null ? EXPIRATION : 0)
        | (p.persistent() ? PERSISTENT : 0)
        | (p.headers().isEmpty() ? 0 : HEADERS)
        | (expiresAt != StoredMessage.NEVER ? EXPIRES_AT : 0);
    w.raw(VERSION);
    w.raw((byte) (mask >>> 8));
    w.raw((byte) mask);
    w.string(exchange == null ? "" : exchange);
    w.string(routingKey == null ? "" : routingKey);
    w.optional(p.messageId());
    w.optional(p.correlationId());
    w.optional(p.replyTo());
    w.optional(p.contentType());
    w.optional(p.contentEncoding());
    w.optional(p.type());
    w.optional(p.appId());
    w.optional(p.userId());
    if (p.timestamp() != null) {
      w.varlong(zigzag(p.timestamp()));
    }
    if (p.priority() != null) {
      w.varlong(zigzag(p.priority()));
    }
    w.optional(p.expiration());
    if (!p.headers().isEmpty()) {
      w.varint(p.headers().size());
      p.headers().forEach((k, v) -> {
        w.string(k);
        w.string(v);
      });
    }
    if (expiresAt != StoredMessage.NEVER) {
      w.varlong(zigzag(expiresAt));
    }
  }

  private static Envelope readEnvelope(Reader r) {
    byte version = r.raw();
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown message encoding version " + version);
    }
    int mask = ((r.raw() & 0xff) << 8) | (r.raw() & 0xff);
    if ((mask & ~KNOWN) != 0) {
      throw new IllegalArgumentException("unknown message property flags " + Integer.toHexString(mask));
    }
    String exchange = r.string();
    String routingKey = r.string();
    var b = MessageProperties.builder()
        .messageId(r.optional(mask, MESSAGE_ID))
        .correlationId(r.optional(mask, CORRELATION_ID))
        .replyTo(r.optional(mask, REPLY_TO))
        .contentType(r.optional(mask, CONTENT_TYPE))
        .contentEncoding(r.optional(mask, CONTENT_ENCODING))
        .type(r.optional(mask, TYPE))
        .appId(r.optional(mask, APP_ID))
        .userId(r.optional(mask, USER_ID));
    if ((mask & TIMESTAMP) != 0) {
      b.timestamp(storedTimestamp(unzigzag(r.varlong())));
    }
    if ((mask & PRIORITY) != 0) {
      b.priority(storedPriority(unzigzag(r.varlong())));
    }
    b.expiration(storedExpiration(r.optional(mask, EXPIRATION))).persistent((mask & PERSISTENT) != 0);
    if ((mask & HEADERS) != 0) {
      int n = r.length();
      Map<String, String> headers = new HashMap<>(n * 2);
      for (int i = 0; i < n; i++) {
        headers.put(r.string(), r.string());
      }
      b.headers(headers);
    }
    long expiresAt = (mask & EXPIRES_AT) != 0 ? unzigzag(r.varlong()) : StoredMessage.NEVER;
    return new Envelope(exchange, routingKey, b.build(), expiresAt);
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  private static final class Writer {
    private byte[] buf;
    private int pos;

    Writer(int capacity) {
      buf = new byte[capacity];
    }

    void raw(byte b) {
      ensure(1);
      buf[pos++] = b;
    }

    void bytes(byte[] bytes) {
      ensure(bytes.length);
      System.arraycopy(bytes, 0, buf, pos, bytes.length);
      pos += bytes.length;
    }

    void varint(int v) {
      varlong(v & 0xffffffffL);
    }

    void varlong(long v) {
      ensure(10);
      while ((v & ~0x7fL) != 0) {
        buf[pos++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
    }

    void string(String s) {
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      varint(utf8.length);
      bytes(utf8);
    }

    void optional(String s) {
      if (s != null) {
        string(s);
      }
    }

    private void ensure(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, pos);
    }
  }

  private static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    byte raw() {
      if (pos >= buf.length) {
        throw new IllegalArgumentException("truncated message encoding");
      }
      return buf[pos++];
    }

    long varlong() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = raw();
        v |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("malformed varint in message encoding");
    }

    int length() {
      long n = varlong();
      if (n < 0 || n > buf.length - pos) {
        throw new IllegalArgumentException("truncated message encoding");
      }
      return (int) n;
    }

    byte[] bytes(int n) {
      byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return out;
    }

    String string() {
      int n = length();
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }

    String optional(int mask, int flag) {
      return (mask & flag) != 0 ? string() : null;
    }

    void expectEnd() {
      if (pos != buf.length) {
        throw new IllegalArgumentException((buf.length - pos) + " unexpected bytes after message encoding");
      }
    }
  }

  // Messages stored before MessageProperties checked its values may hold values it refuses
  // now; they are brought into range rather than left unreadable (the queue expires a message
  // by its stored expiresAt, not by the expiration text).

  static Long storedTimestamp(long timestamp) {
    return timestamp < 0 ? null : timestamp;
  }

  static Integer storedPriority(long priority) {
    return (int) Math.max(0, Math.min(MessageProperties.MAX_PRIORITY, priority));
  }

  static String storedExpiration(String expiration) {
    if (expiration == null) {
      return null;
    }
    try {
      MessageProperties.expirationMillis(expiration);
      return expiration;
    } catch (JunctionException e) {
      try {
        return Long.parseLong(expiration.trim()) > Integer.MAX_VALUE ? Integer.toString(Integer.MAX_VALUE) : null;
      } catch (NumberFormatException notANumber) {
        return null;
      }
    }
  }
}
