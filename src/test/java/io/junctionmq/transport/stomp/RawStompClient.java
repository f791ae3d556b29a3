package io.junctionmq.transport.stomp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * A blocking STOMP client over a plain TCP socket, for tests that need control over the bytes:
 * garbage, oversized frames, a socket nobody reads. Not for an event loop.
 */
public final class RawStompClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final StompDecoder decoder = new StompDecoder(Integer.MAX_VALUE, Integer.MAX_VALUE);
  private final ArrayDeque<StompFrame> frames = new ArrayDeque<>();
  private final byte[] chunk = new byte[64 * 1024];

  /** A frame of {@code c} with these headers, given as name, value, name, value… */
  public static StompFrame frame(StompCommand c, String... headers) {
    var b = StompFrame.builder(c);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  public RawStompClient(int port) throws IOException {
    this(port, 0);
  }

  /** {@code receiveBuffer} 0: the OS default; small values make the socket fill fast. */
  RawStompClient(int port, int receiveBuffer) throws IOException {
    socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
    socket.setTcpNoDelay(true);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Over a socket already connected (a TLS one, say). */
  public RawStompClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /**
   * Opens a connection to {@code port} on loopback from the local address {@code from} (a
   * 127.x.y.z, to look like another client machine), sends a CONNECT with these credentials and
   * returns the server's first answer; the connection is closed.
   */
  public static StompFrame loginFrom(String from, int port, String login, String passcode) throws IOException {
    var socket = new Socket();
    socket.bind(new InetSocketAddress(from, 0));
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    try (var c = new RawStompClient(socket)) {
      c.send(StompFrame.builder(StompCommand.CONNECT).header("accept-version", "1.2").header("host", "/")
          .header("login", login).header("passcode", passcode).header("heart-beat", "0,0").build());
      return c.receive(Duration.ofSeconds(10));
    }
  }

  /** Connects as STOMP 1.2 with {@code heart-beat} and returns CONNECTED. */
  public StompFrame connect(String heartBeat) throws IOException {
    send(StompFrame.builder(StompCommand.CONNECT).header("accept-version", "1.2").header("host", "/")
        .header("heart-beat", heartBeat).build());
    return receive(Duration.ofSeconds(10));
  }

  public void send(StompFrame frame) throws IOException {
    sendRaw(StompEncoder.encode(frame));
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void sendRaw(String text) throws IOException {
    sendRaw(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The next frame (heart-beats skipped); fails after {@code timeout}, or null if the server closed. */
  public StompFrame receive(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (frames.isEmpty()) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new SocketTimeoutException("no frame within " + timeout);
      }
      socket.setSoTimeout((int) Math.max(1, left));
      int n = in.read(chunk);
      if (n < 0) {
        return null;
      }
      try {
        decoder.feed(chunk, 0, n, frames::add);
      } catch (StompProtocolException e) {
        throw new IOException("server sent a bad frame: " + e.getMessage());
      }
    }
    return frames.poll();
  }

  /** The bytes the server sends within {@code window}, undecoded (for heart-beats). */
  byte[] rawWithin(Duration window) throws IOException {
    var got = new java.io.ByteArrayOutputStream();
    long deadline = System.nanoTime() + window.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        int n = in.read(chunk);
        if (n < 0) {
          break;
        }
        got.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException e) {
      // the window is over
    }
    return got.toByteArray();
  }

  /** Whether the server closed the connection within {@code timeout} (frames before are skipped). */
  public boolean closedWithin(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        if (in.read(chunk) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
