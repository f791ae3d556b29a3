package io.junctionmq.transport.stomp;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/** STOMP over plain TCP. */
final class TcpTransport implements StompTransport {
  private final NetSocket socket;
  private final String remote;
  private final String remoteHost;

  private TcpTransport(NetSocket socket) {
    this.socket = socket;
    this.remote = String.valueOf(socket.remoteAddress());
    this.remoteHost = socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress();
  }

  static void serve(NetSocket socket, SessionFactory sessions) {
    var transport = new TcpTransport(socket);
    StompSession session = sessions.open(transport);
    socket.handler(session::received);
    socket.closeHandler(v -> session.transportClosed());
    socket.exceptionHandler(e -> session.transportClosed());
  }

  @Override
  public void write(Buffer data) {
    socket.write(data);
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public void drainHandler(Runnable handler) {
    socket.drainHandler(v -> handler.run());
  }

  @Override
  public void pause() {
    socket.pause();
  }

  @Override
  public void resume() {
    socket.resume();
  }

  @Override
  public void close() {
    socket.close();
  }

  @Override
  public String kind() {
    return "tcp";
  }

  @Override
  public String remote() {
    return remote;
  }

  @Override
  public String remoteHost() {
    return remoteHost;
  }
}
