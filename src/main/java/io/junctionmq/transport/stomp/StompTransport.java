package io.junctionmq.transport.stomp;

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

  /** For logs: the protocol and the client's address. */
  String describe();
}
