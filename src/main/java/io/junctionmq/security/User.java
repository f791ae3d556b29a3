package io.junctionmq.security;

import java.util.List;

/**
 * A user: its name, its password as a salted hash ({@code passwordHash} null: it cannot log in
 * with a password, only with a token) in the format of {@code hashingAlgorithm} (see {@link
 * Passwords}), and its tags, as RabbitMQ writes them ({@code administrator}, ...; unknown tags
 * are kept).
 */
public record User(String name, String passwordHash, String hashingAlgorithm, List<String> tags) {

  public User {
    tags = List.copyOf(tags);
  }

  public boolean has(Tag tag) {
    return tags.contains(tag.wireName());
  }
}
