package io.junctionmq.transport.stomp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Encodes frames for the wire, escaping header names and values as STOMP 1.2 says. */
public final class StompEncoder {
  /** A heart-beat: one EOL. */
  public static final byte[] HEART_BEAT = {'\n'};

  private StompEncoder() {
  }

  public static byte[] encode(StompFrame frame) {
    var out = new ByteArrayOutputStream(frame.body().length + 128);
    boolean escape = frame.command().escapesHeaders();
    write(out, frame.command().name());
    out.write('\n');
    for (StompFrame.Header h : frame.headers()) {
      write(out, escape ? escape(h.name()) : h.name());
      out.write(':');
      write(out, escape ? escape(h.value()) : h.value());
      out.write('\n');
    }
    out.write('\n');
    out.writeBytes(frame.body());
    out.write(0);
    return out.toByteArray();
  }

  static String escape(String s) {
    int i = 0;
    while (i < s.length()) {
      char ch = s.charAt(i);
      if (ch == '\\' || ch == '\r' || ch == '\n' || ch == ':') {
        break;
      }
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    var sb = new StringBuilder(s.length() + 8).append(s, 0, i);
    for (; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '\\' -> sb.append("\\\\");
        case '\r' -> sb.append("\\r");
        case '\n' -> sb.append("\\n");
        case ':' -> sb.append("\\c");
        default -> sb.append(ch);
      }
    }
    return sb.toString();
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }
}
