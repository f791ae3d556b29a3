package io.junctionmq.transport.stomp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An incremental STOMP 1.2 decoder: bytes go in as they arrive, in any chunking; whole frames
 * come out. Heart-beat EOLs between frames are skipped, a body ends at its
 * {@code content-length} (and may hold NUL bytes) or else at the first NUL, header lines may
 * end in CRLF, and header names and values are unescaped except in CONNECT/STOMP/CONNECTED.
 * It never holds more than {@code maxFrame} bytes of one frame nor more than
 * {@code maxHeaders} bytes of its command and header lines. Once it has thrown, it stays
 * failed: the connection is to be closed.
 */
public final class StompDecoder {
  private final int maxFrame;
  private final int maxHeaders;
  private boolean escaping = true;

  private byte[] buf = new byte[1024];
  private int start;
  private int end;
  private int scan;
  private StompCommand command;
  private List<StompFrame.Header> headers;
  private int bodyStart;
  private int contentLength;
  private String failure;

  public StompDecoder(long maxFrame, long maxHeaders) {
    this.maxFrame = (int) Math.min(maxFrame, Integer.MAX_VALUE - 16);
    this.maxHeaders = (int) Math.min(maxHeaders, this.maxFrame);
  }

  /** STOMP 1.0 has no header escaping: a backslash is an ordinary character there. */
  public void escaping(boolean escaping) {
    this.escaping = escaping;
  }

  /** Whether bytes of an incomplete frame are held. */
  public boolean midFrame() {
    return end > start;
  }

  /** How many bytes of an incomplete frame are held: never more than {@code maxFrame} between two feeds. */
  int buffered() {
    return end - start;
  }

  /**
   * Decodes {@code n} bytes from {@code data[off]}, handing each completed frame to
   * {@code out} in order before the next is decoded.
   *
   * @throws StompProtocolException when the bytes break the protocol or a limit; frames
   *     completed before the offending one have already been handed out
   */
  public void feed(byte[] data, int off, int n, Consumer<StompFrame> out) throws StompProtocolException {
    if (failure != null) {
      throw new StompProtocolException(failure);
    }
    append(data, off, n);
    try {
      StompFrame frame;
      while ((frame = next()) != null) {
        out.accept(frame);
      }
    } catch (StompProtocolException e) {
      failure = e.getMessage();
      buf = new byte[0];
      start = end = 0;
      throw e;
    }
  }

  public void feed(byte[] data, Consumer<StompFrame> out) throws StompProtocolException {
    feed(data, 0, data.length, out);
  }

  private void append(byte[] data, int off, int n) {
    if (end + n > buf.length) {
      int live = end - start;
      if (start > 0 && live + n <= buf.length) {
        System.arraycopy(buf, start, buf, 0, live);
      } else {
        byte[] bigger = new byte[Math.max(buf.length * 2, live + n)];
        System.arraycopy(buf, start, bigger, 0, live);
        buf = bigger;
      }
      shift(start);
    }
    System.arraycopy(data, off, buf, end, n);
    end += n;
  }

  private void shift(int by) {
    end -= by;
    scan -= by;
    bodyStart -= by;
    start = 0;
  }

  private StompFrame next() throws StompProtocolException {
    if (command == null) {
      skipHeartBeats();
      if (start == end || !readHead()) {
        return null;
      }
    }
    return readBody();
  }

  private void skipHeartBeats() {
    while (start < end) {
      if (buf[start] == '\n') {
        start++;
      } else if (buf[start] == '\r' && start + 1 < end && buf[start + 1] == '\n') {
        start += 2;
      } else {
        break;
      }
    }
    if (scan < start) {
      scan = start;
    }
  }

  /** Looks for the blank line that ends the headers; parses them when it is there. */
  private boolean readHead() throws StompProtocolException {
    int lineStart = scan;
    while (scan < end) {
      if (scan - start >= maxHeaders) {
        throw new StompProtocolException("the frame's command and headers exceed the limit of " + maxHeaders + " bytes");
      }
      if (buf[scan++] == '\n') {
        int len = scan - 1 - lineStart;
        boolean blank = len == 0 || len == 1 && buf[lineStart] == '\r';
        if (blank && lineStart > start) {
          parseHead(start, lineStart);
          bodyStart = scan;
          return true;
        }
        lineStart = scan;
      }
    }
    // Resume the next time from the start of the incomplete line.
    scan = lineStart;
    return false;
  }

  private void parseHead(int from, int to) throws StompProtocolException {
    List<String> lines = lines(from, to);
    String name = lines.get(0);
    StompCommand c = StompCommand.of(name);
    if (c == null) {
      throw new StompProtocolException("unknown command '" + printable(name) + "'");
    }
    boolean unescape = escaping && c.escapesHeaders();
    var hs = new ArrayList<StompFrame.Header>(lines.size() - 1);
    int length = -1;
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new StompProtocolException("malformed header line '" + printable(line) + "' (expected name:value)");
      }
      String hn = unescape ? unescape(line.substring(0, colon)) : line.substring(0, colon);
      String hv = unescape ? unescape(line.substring(colon + 1)) : line.substring(colon + 1);
      if (length < 0 && hn.equals("content-length")) {
        length = parseLength(hv);
      }
      hs.add(new StompFrame.Header(hn, hv));
    }
    if (length >= 0 && (long) (to - from) + 2 + length + 1 > maxFrame) {
      throw new StompProtocolException("the frame exceeds the limit of " + maxFrame + " bytes (content-length " + length + ")");
    }
    command = c;
    headers = hs;
    contentLength = length;
  }

  private StompFrame readBody() throws StompProtocolException {
    int nul;
    if (contentLength >= 0) {
      if (end - bodyStart < contentLength + 1) {
        return null;
      }
      nul = bodyStart + contentLength;
      if (buf[nul] != 0) {
        throw new StompProtocolException("the body is not followed by a NUL byte after content-length " + contentLength);
      }
    } else {
      nul = -1;
      for (int i = Math.max(scan, bodyStart); i < end; i++) {
        if (buf[i] == 0) {
          nul = i;
          break;
        }
      }
      if (nul < 0) {
        scan = end;
        if (end - start > maxFrame) {
          throw new StompProtocolException("the frame exceeds the limit of " + maxFrame + " bytes");
        }
        return null;
      }
    }
    if (nul + 1 - start > maxFrame) {
      throw new StompProtocolException("the frame exceeds the limit of " + maxFrame + " bytes");
    }
    byte[] body = new byte[nul - bodyStart];
    System.arraycopy(buf, bodyStart, body, 0, body.length);
    var frame = new StompFrame(command, headers, body);
    command = null;
    headers = null;
    start = nul + 1;
    scan = start;
    bodyStart = start;
    if (start == end) {
      start = end = scan = bodyStart = 0;
      if (buf.length > 64 * 1024) {
        buf = new byte[1024];
      }
    }
    return frame;
  }

  private List<String> lines(int from, int to) {
    var lines = new ArrayList<String>();
    int lineStart = from;
    for (int i = from; i < to; i++) {
      if (buf[i] == '\n') {
        int lineEnd = i > lineStart && buf[i - 1] == '\r' ? i - 1 : i;
        lines.add(new String(buf, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8));
        lineStart = i + 1;
      }
    }
    return lines;
  }

  private static int parseLength(String v) throws StompProtocolException {
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new StompProtocolException("invalid content-length '" + printable(v) + "'");
  }

  static String unescape(String s) throws StompProtocolException {
    int bs = s.indexOf('\\');
    if (bs < 0) {
      return s;
    }
    var sb = new StringBuilder(s.length());
    sb.append(s, 0, bs);
    for (int i = bs; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch != '\\') {
        sb.append(ch);
        continue;
      }
      char esc = i + 1 < s.length() ? s.charAt(++i) : '?';
      switch (esc) {
        case 'r' -> sb.append('\r');
        case 'n' -> sb.append('\n');
        case 'c' -> sb.append(':');
        case '\\' -> sb.append('\\');
        default -> throw new StompProtocolException("undefined escape sequence '\\" + printable(String.valueOf(esc))
            + "' in header '" + printable(s) + "'");
      }
    }
    return sb.toString();
  }

  /** Shows at most 64 characters of client input, control characters as '?'. */
  static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    var sb = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char ch = cut.charAt(i);
      sb.append(ch < 0x20 || ch == 0x7f ? '?' : ch);
    }
    return sb.toString();
  }
}
