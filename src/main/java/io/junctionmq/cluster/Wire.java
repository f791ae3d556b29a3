package io.junctionmq.cluster;

import io.junctionmq.model.Message;
import io.junctionmq.store.MessageCodec;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The binary messages nodes send each other on the event bus: an op byte, then fixed
 * fields. Small and allocation-light, because every remote publish and delivery is one.
 */
public final class Wire {
  private final Buffer buffer;

  private Wire(Buffer buffer) {
    this.buffer = buffer;
  }

  /** A new message starting with {@code op}. */
  public static Wire op(byte op) {
    return new Wire(Buffer.buffer(64)).i8(op);
  }

  /** A new reply body (no op byte). */
  public static Wire reply() {
    return new Wire(Buffer.buffer(64));
  }

  public Wire i8(byte value) {
    buffer.appendByte(value);
    return this;
  }

  public Wire bool(boolean value) {
    return i8(value ? (byte) 1 : 0);
  }

  public Wire i32(int value) {
    buffer.appendInt(value);
    return this;
  }

  public Wire i64(long value) {
    buffer.appendLong(value);
    return this;
  }

  public Wire str(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
    return this;
  }

  public Wire bytes(byte[] value) {
    buffer.appendInt(value.length).appendBytes(value);
    return this;
  }

  public Wire message(Message message) {
    return bytes(MessageCodec.encode(message));
  }

  public Buffer buffer() {
    return buffer;
  }

  /** Reads a message written by {@link Wire}, field by field in the order written. */
  public static final class Reader {
    private final Buffer buffer;
    private int pos;

    public Reader(Buffer buffer) {
      this.buffer = buffer;
    }

    public byte i8() {
      return buffer.getByte(pos++);
    }

    public boolean bool() {
      return i8() != 0;
    }

    public int i32() {
      int v = buffer.getInt(pos);
      pos += 4;
      return v;
    }

    public long i64() {
      long v = buffer.getLong(pos);
      pos += 8;
      return v;
    }

    public String str() {
      int length = i32();
      String s = buffer.getString(pos, pos + length, "UTF-8");
      pos += length;
      return s;
    }

    public byte[] bytes() {
      int length = i32();
      byte[] b = buffer.getBytes(pos, pos + length);
      pos += length;
      return b;
    }

    public Message message() {
      return MessageCodec.decode(bytes());
    }
  }
}
