package io.junctionmq.routing;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ExchangeType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Reference matchers written as plainly as possible, to check the real ones against. */
final class NaiveRouting {
  private NaiveRouting() {
  }

  static List<String> words(String key) {
    return key.isEmpty() ? List.of() : Arrays.asList(key.split("\\.", -1));
  }

  static boolean topicMatches(String pattern, String key) {
    return topicMatches(words(pattern), words(key));
  }

  private static boolean topicMatches(List<String> pattern, List<String> key) {
    if (pattern.isEmpty()) {
      return key.isEmpty();
    }
    String head = pattern.get(0);
    List<String> rest = pattern.subList(1, pattern.size());
    if (head.equals("#")) {
      return topicMatches(rest, key) || (!key.isEmpty() && topicMatches(pattern, key.subList(1, key.size())));
    }
    if (key.isEmpty()) {
      return false;
    }
    return (head.equals("*") || head.equals(key.get(0))) && topicMatches(rest, key.subList(1, key.size()));
  }

  static boolean headersMatch(Map<String, Object> arguments, Map<String, String> headers) {
    Object mode = arguments.get("x-match");
    boolean any = "any".equals(mode) || "any-with-x".equals(mode);
    boolean withX = "all-with-x".equals(mode) || "any-with-x".equals(mode);
    var considered = arguments.entrySet().stream()
        .filter(e -> !e.getKey().equals("x-match"))
        .filter(e -> withX || !e.getKey().startsWith("x-"))
        .toList();
    if (any) {
      return considered.stream().anyMatch(e -> e.getValue().toString().equals(headers.get(e.getKey())));
    }
    return considered.stream().allMatch(e -> e.getValue().toString().equals(headers.get(e.getKey())));
  }

  static boolean matches(ExchangeType type, Binding b, String key, Map<String, String> headers) {
    return switch (type) {
      case DIRECT -> b.routingKey().equals(key);
      case FANOUT -> true;
      case TOPIC -> topicMatches(b.routingKey(), key);
      case HEADERS -> headersMatch(b.arguments(), headers);
    };
  }
}
