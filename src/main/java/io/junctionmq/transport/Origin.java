package io.junctionmq.transport;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * A web origin as browsers compare them: scheme, host and port, in lower case, the port the
 * scheme's default when none is written. {@link #toString()} serializes it as a browser writes
 * the {@code Origin} header, without a default port.
 */
record Origin(String scheme, String host, int port) {

  /** {@code https://App.example.com:443} → (https, app.example.com, 443); empty for {@code null}, paths, junk. */
  static Optional<Origin> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      var uri = new URI(text.trim());
      String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
      boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
          && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
      if (uri.getHost() == null || !bare || !("http".equals(scheme) || "https".equals(scheme))) {
        return Optional.empty();
      }
      int port = uri.getPort() == -1 ? defaultPort(scheme) : uri.getPort();
      return Optional.of(new Origin(scheme, uri.getHost().toLowerCase(Locale.ROOT), port));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  /**
   * The origin a request was addressed to: the scheme of the listener it came in on and its
   * {@code Host}. Empty without a {@code Host}.
   */
  static Optional<Origin> of(HttpServerRequest request) {
    String scheme = request.isSSL() ? "https" : "http";
    HostAndPort authority = request.authority();
    if (authority == null || authority.host() == null || authority.host().isEmpty()) {
      return Optional.empty();
    }
    int port = authority.port() < 0 ? defaultPort(scheme) : authority.port();
    String host = authority.host().toLowerCase(Locale.ROOT);
    // The Host header writes an IPv6 address in brackets, as the URI host of an Origin is.
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return Optional.of(new Origin(scheme, host, port));
  }

  private static int defaultPort(String scheme) {
    return scheme.equals("https") ? 443 : 80;
  }

  @Override
  public String toString() {
    return scheme + "://" + host + (port == defaultPort(scheme) ? "" : ":" + port);
  }
}
