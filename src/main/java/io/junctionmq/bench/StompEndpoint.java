package io.junctionmq.bench;

import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.Locale;

/**
 * A STOMP-over-WebSocket broker: its {@code ws://} or {@code wss://} URL, the virtual host and
 * the credentials that go with CONNECT (login and passcode may be null).
 */
record StompEndpoint(String url, String vhost, String login, String passcode) {
  /** The WebSocket subprotocol of STOMP 1.2 (IANA registry). */
  static final String SUBPROTOCOL = "v12.stomp";

  WebSocketConnectOptions webSocketOptions() {
    URI uri = URI.create(url);
    boolean ssl = uri.getScheme().toLowerCase(Locale.ROOT).equals("wss");
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return new WebSocketConnectOptions()
        .setHost(uri.getHost())
        .setPort(port)
        .setSsl(ssl)
        .setURI(path + query)
        .addSubProtocol(SUBPROTOCOL);
  }

  /** CONNECT for STOMP 1.2 without heart-beats (the bench's sessions are never idle). */
  StompFrame connectFrame() {
    return StompFrame.builder(StompCommand.CONNECT)
        .header("accept-version", "1.2")
        .header("host", vhost)
        .header("login", login)
        .header("passcode", passcode)
        .header("heart-beat", "0,0")
        .build();
  }
}
