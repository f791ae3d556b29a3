package io.junctionmq.transport.stomp;

import io.junctionmq.security.Identity;
import io.vertx.core.buffer.Buffer;

/**
 * What a session needs from its socket: a WebSocket or a TCP connection. The adapters only
 * forward; flow control stays with the session.
 */
interface StompTransport {
  void write(Buffer data);

  boolean writeQueueFull();

  /** Called (on the session's context) each time a full write queue has drained. */
  void drainHandler(Runnable handler);

  /** Stops reading from the client. */
  void pause();

  void resume();

  /** Closes after what was written is flushed. */
  void close();

  /** {@code tcp} or {@code ws}. */
  String kind();

  /** The client's address. */
  String remote();

  /** The client's IP address, without the port (for the loopback rule of logins). */
  String remoteHost();

  /** The user the transport's own handshake logged in (a WebSocket's token), or null. */
  default Identity handshakeUser() {
    return null;
  }

  /** For logs and connection names: the kind and the client's address. */
  default String describe() {
    return kind() + ":" + remote();
  }
}
