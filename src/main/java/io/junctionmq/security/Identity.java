package io.junctionmq.security;

/**
 * A client's authenticated user, as a connection or a request holds it. Its tags and
 * permissions are read from the {@link UserDatabase} at each check, so a change applies to
 * open connections at once.
 */
public final class Identity {
  private final String name;
  private final UserDatabase users;

  Identity(String name, UserDatabase users) {
    this.name = name;
    this.users = users;
  }

  public String name() {
    return name;
  }

  public boolean has(Tag tag) {
    return users.user(name).map(u -> u.has(tag)).orElse(false);
  }

  /** The user's permissions now; none once the user is deleted. */
  public Access access() {
    return users.access(name);
  }

  /** Whether the user still exists. */
  public boolean exists() {
    return users.user(name).isPresent();
  }

  @Override
  public String toString() {
    return name;
  }
}
