package io.junctionmq.cluster;

import java.util.Locale;

/** What a member of the cluster is: only brokers own queues and count in {@link Membership#members()}. */
public enum MemberRole {
  BROKER,
  /** A Vert.x application that joined the cluster to reach the brokers (the event-bus client). */
  CLIENT;

  /** As registered in the cluster: {@code broker}, {@code client}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role of a registration, or {@code null} for a name this version does not know. */
  static MemberRole fromWireName(String name) {
    for (MemberRole role : values()) {
      if (role.wireName().equals(name)) {
        return role;
      }
    }
    return null;
  }
}
