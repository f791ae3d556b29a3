package io.junctionmq.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Copies of immutable lists with one element added or removed. */
final class CopyOnWrite {
  private CopyOnWrite() {
  }

  static <T> List<T> plus(List<T> list, T item) {
    var copy = new ArrayList<T>(list.size() + 1);
    copy.addAll(list);
    copy.add(item);
    return Collections.unmodifiableList(copy);
  }

  static <T> List<T> minus(List<T> list, T item) {
    int i = list.indexOf(item);
    return i < 0 ? list : minusAt(list, i);
  }

  static <T> List<T> minusAt(List<T> list, int index) {
    var copy = new ArrayList<>(list);
    copy.remove(index);
    return Collections.unmodifiableList(copy);
  }
}
