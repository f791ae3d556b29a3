package io.junctionmq.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A wildcard pattern of RabbitMQ's OAuth 2 scopes: {@code *} stands for any characters, the
 * rest is URL-decoded ({@code %2F} is a {@code /}, {@code %2A} a literal {@code *}, {@code +} a
 * space) and matches itself, case-sensitively, over the whole name. As RabbitMQ's
 * {@code wildcard:match}, the part after a {@code *} is matched where it first occurs: {@code
 * a*b} matches {@code axb} but not {@code abxb}. A pattern that does not decode matches nothing.
 */
record Wildcard(List<String> parts) {
  private static final Wildcard NOTHING = new Wildcard(null);

  static Wildcard of(String pattern) {
    var parts = new ArrayList<String>();
    int start = 0;
    while (true) {
      int star = pattern.indexOf('*', start);
      String part = pattern.substring(start, star < 0 ? pattern.length() : star);
      try {
        parts.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        return NOTHING;
      }
      if (star < 0) {
        return new Wildcard(List.copyOf(parts));
      }
      start = star + 1;
    }
  }

  /** Whether the pattern matches all of {@code name}; the clauses are in the order of RabbitMQ's scan. */
  boolean matches(String name) {
    if (parts == null || !name.startsWith(parts.get(0))) {
      return false;
    }
    int at = parts.get(0).length();
    int next = 1;
    while (true) {
      int left = parts.size() - next;
      if (left == 1 && parts.get(next).isEmpty()) {
        return true;
      }
      if (left == 0) {
        return at == name.length();
      }
      if (at == name.length()) {
        return false;
      }
      String part = parts.get(next++);
      if (!part.isEmpty()) {
        int found = name.indexOf(part, at);
        if (found < 0) {
          return false;
        }
        at = found + part.length();
      }
    }
  }
}
