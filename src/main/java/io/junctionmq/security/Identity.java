package io.junctionmq.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A client's authenticated user, as a connection or a request holds it. A stored user's tags
 * and permissions are read from the {@link UserDatabase} at each check, so a change applies to
 * open connections at once. A token's user has the tags and permissions of the token's scopes,
 * until the token expires.
 */
public final class Identity {
  private final String name;
  private final UserDatabase users;
  private final Token token;

  /** What a token granted: its scopes, compiled, its tags, and when it expires. */
  record Token(Access access, Set<String> tags, Instant expiresAt) {
  }

  Identity(String name, UserDatabase users) {
    this.name = name;
    this.users = users;
    this.token = null;
  }

  Identity(String name, Token token) {
    this.name = name;
    this.users = null;
    this.token = token;
  }

  public String name() {
    return name;
  }

  public boolean has(Tag tag) {
    if (token != null) {
      return token.tags().contains(tag.wireName());
    }
    return users.user(name).map(u -> u.has(tag)).orElse(false);
  }

  /** The user's tags as RabbitMQ names them, those Junction does not know included (a token's: sorted). */
  public List<String> tags() {
    if (token != null) {
      return token.tags().stream().sorted().toList();
    }
    return users.user(name).map(User::tags).orElse(List.of());
  }

  /** The user's permissions now; none once a stored user is deleted. */
  public Access access() {
    return token != null ? token.access() : users.access(name);
  }

  /** Whether the user still exists (a token's user: until its token expires). */
  public boolean exists() {
    return token != null ? Instant.now().isBefore(token.expiresAt()) : users.user(name).isPresent();
  }

  /** When the token this user logged in with expires; empty for a user with a password. */
  public Optional<Instant> expiresAt() {
    return token == null ? Optional.empty() : Optional.of(token.expiresAt());
  }

  @Override
  public String toString() {
    return name;
  }
}
