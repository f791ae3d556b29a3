package io.junctionmq.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A list of the cluster's objects: those of the nodes that answered, and the members that did
 * not answer in time ({@code missing}; empty when the list is whole).
 */
public record Listed<T>(List<T> items, List<String> missing) {

  public Listed {
    items = List.copyOf(items);
    missing = List.copyOf(missing);
  }

  /**
   * The answers of the nodes {@code asked}, in that order; an answer from a node not asked is
   * left out (it joined after the question, and was not counted).
   */
  static <T> Listed<T> merge(List<String> asked, Map<String, List<T>> answers) {
    var items = new ArrayList<T>();
    var missing = new ArrayList<String>();
    for (String node : asked) {
      List<T> answer = answers.get(node);
      if (answer == null) {
        missing.add(node);
      } else {
        items.addAll(answer);
      }
    }
    return new Listed<>(items, missing);
  }

  public boolean partial() {
    return !missing.isEmpty();
  }
}
