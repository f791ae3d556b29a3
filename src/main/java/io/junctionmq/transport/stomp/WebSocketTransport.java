package io.junctionmq.transport.stomp;

import io.junctionmq.security.Identity;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/**
 * STOMP over a WebSocket: each data frame (text or binary) is fed to the session as bytes, so
 * one STOMP frame may span WebSocket frames and one may hold several. Frames go out as binary
 * messages, which stompjs (and browsers' STOMP clients) read like text ones. The user a token on
 * the handshake logged in ({@link WebSocketLogin}) is the session's unless CONNECT brings
 * credentials of its own.
 */
final class WebSocketTransport implements StompTransport {
  private final ServerWebSocket ws;
  private final String remote;
  private final String remoteHost;
  private final Identity handshakeUser;

  private WebSocketTransport(ServerWebSocket ws, Identity handshakeUser) {
    this.ws = ws;
    this.remote = String.valueOf(ws.remoteAddress());
    this.remoteHost = ws.remoteAddress() == null ? null : ws.remoteAddress().hostAddress();
    this.handshakeUser = handshakeUser;
  }

  /** Serves STOMP on {@code ws}; {@code handshakeUser} is who its handshake logged in, or null. */
  static void serve(ServerWebSocket ws, SessionFactory sessions, Identity handshakeUser) {
    var transport = new WebSocketTransport(ws, handshakeUser);
    StompSession session = sessions.open(transport);
    ws.handler(session::received);
    ws.closeHandler(v -> session.transportClosed());
    ws.exceptionHandler(e -> session.transportClosed());
  }

  @Override
  public void write(Buffer data) {
    ws.writeBinaryMessage(data);
  }

  @Override
  public boolean writeQueueFull() {
    return ws.writeQueueFull();
  }

  @Override
  public void drainHandler(Runnable handler) {
    ws.drainHandler(v -> handler.run());
  }

  @Override
  public void pause() {
    ws.pause();
  }

  @Override
  public void resume() {
    ws.resume();
  }

  @Override
  public void close() {
    ws.close();
  }

  @Override
  public String kind() {
    return "ws";
  }

  @Override
  public String remote() {
    return remote;
  }

  @Override
  public String remoteHost() {
    return remoteHost;
  }

  @Override
  public Identity handshakeUser() {
    return handshakeUser;
  }
}
