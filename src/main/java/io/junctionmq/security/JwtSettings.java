package io.junctionmq.security;

import java.time.Duration;
import java.util.List;

/**
 * Which tokens are accepted ({@code auth.jwt.*}): signed by a key of the PEM files {@code keys}
 * or of the JWK Set at {@code jwksUrl} (empty: none), for {@code audience} (RabbitMQ's {@code
 * resource_server_id}, also the prefix of the scopes), naming the user in {@code usernameClaim}
 * (else {@code sub}, else {@code client_id}), with {@code leeway} for the clocks of the token's
 * issuer and this node, and every fetch of the JWK Set bounded by {@code jwksTimeout}. With
 * neither keys nor a JWK Set, tokens are not accepted.
 */
public record JwtSettings(List<String> keys, String jwksUrl, String audience, String usernameClaim,
                         Duration leeway, Duration jwksTimeout) {

  public static final JwtSettings OFF = new JwtSettings(List.of(), "", "", "sub", Duration.ofSeconds(10),
      Duration.ofSeconds(5));

  public JwtSettings {
    keys = List.copyOf(keys);
  }

  public boolean enabled() {
    return !keys.isEmpty() || !jwksUrl.isEmpty();
  }
}
