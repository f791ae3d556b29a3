package io.junctionmq.transport;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser pages may use an endpoint, by the {@code Origin} header they send: pages of the
 * server's own origin always, then those of the configured origins, or any with {@code *}. A
 * request without {@code Origin} is not a browser's page (curl, Node, the bench) and passes:
 * this guards browsers' ambient access, not the endpoint itself.
 */
final class OriginPolicy {
  private final boolean any;
  private final Set<Origin> allowed;

  private OriginPolicy(boolean any, Set<Origin> allowed) {
    this.any = any;
    this.allowed = allowed;
  }

  /** From a checked configuration list ({@code ws.allowed-origins}, {@code http.cors.allowed-origins}). */
  static OriginPolicy of(List<String> configured) {
    return new OriginPolicy(configured.contains("*"), configured.stream().map(Origin::parse)
        .flatMap(Optional::stream).collect(Collectors.toUnmodifiableSet()));
  }

  /** The configured origins as browsers write them, for vertx-web's {@code CorsHandler}. */
  List<String> listed() {
    return any ? List.of("*") : allowed.stream().map(Origin::toString).sorted().toList();
  }

  /** Whether a page of {@code origin} (the header, may be null) may use a server reached as {@code self}. */
  boolean allows(String origin, Optional<Origin> self) {
    return origin == null || sameOrigin(origin, self) || listed(origin);
  }

  /** Whether {@code origin} is the server's own. */
  static boolean sameOrigin(String origin, Optional<Origin> self) {
    return self.isPresent() && Origin.parse(origin).equals(self);
  }

  /** Whether {@code origin} is one the configuration names (or any, with {@code *}). */
  boolean listed(String origin) {
    return any || Origin.parse(origin).map(allowed::contains).orElse(false);
  }
}
