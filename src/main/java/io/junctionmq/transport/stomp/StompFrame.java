package io.junctionmq.transport.stomp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One STOMP frame: a command, its headers in wire order (a repeated header keeps every
 * occurrence; {@link #header} answers the first, as STOMP 1.2 says) and the body bytes.
 */
public record StompFrame(StompCommand command, List<Header> headers, byte[] body) {
  private static final byte[] EMPTY = new byte[0];

  public record Header(String name, String value) {
    public Header {
      Objects.requireNonNull(name);
      Objects.requireNonNull(value);
    }
  }

  public StompFrame {
    Objects.requireNonNull(command);
    headers = List.copyOf(headers);
    body = body == null ? EMPTY : body;
  }

  /** The first value of header {@code name}, or null. */
  public String header(String name) {
    for (Header h : headers) {
      if (h.name().equals(name)) {
        return h.value();
      }
    }
    return null;
  }

  public String header(String name, String dflt) {
    String v = header(name);
    return v == null ? dflt : v;
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  public static Builder builder(StompCommand command) {
    return new Builder(command);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StompFrame f && command == f.command && headers.equals(f.headers)
        && Arrays.equals(body, f.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(command, headers, Arrays.hashCode(body));
  }

  /** Never shows the body: message bodies stay out of logs. */
  @Override
  public String toString() {
    return command + headers.toString() + "+" + body.length + " bytes";
  }

  public static final class Builder {
    private final StompCommand command;
    private final List<Header> headers = new ArrayList<>();
    private byte[] body = EMPTY;

    private Builder(StompCommand command) {
      this.command = command;
    }

    /** Adds a header; a null value adds nothing. */
    public Builder header(String name, Object value) {
      if (value != null) {
        headers.add(new Header(name, value.toString()));
      }
      return this;
    }

    public Builder body(byte[] body) {
      this.body = body;
      return this;
    }

    public Builder body(String text) {
      this.body = text.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    public StompFrame build() {
      return new StompFrame(command, headers, body);
    }
  }
}
