package io.junctionmq.security;

import java.util.Locale;
import java.util.Optional;

/**
 * What a user may do in the management API, as in RabbitMQ: {@code management} sees the
 * vhosts it has permissions in, {@code monitoring} reads everything, {@code policymaker}
 * also manages policies, {@code administrator} manages everything (users, vhosts,
 * permissions). No tag: messaging only.
 */
public enum Tag {
  ADMINISTRATOR,
  MONITORING,
  POLICYMAKER,
  MANAGEMENT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The tag of that name; empty for a name Junction does not know (RabbitMQ keeps such tags; so does Junction, unused). */
  public static Optional<Tag> of(String name) {
    for (Tag t : values()) {
      if (t.wireName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
