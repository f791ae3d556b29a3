package io.junctionmq.routing;

import io.junctionmq.model.Binding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable trie of topic patterns, one pattern word per edge. A change copies only the
 * nodes on the path to the changed pattern, so that a topic exchange with many bindings (one
 * per STOMP subscription, say) stays cheap to change while messages are routed through the
 * version before the change.
 */
final class TopicTrie {

  static final TopicTrie EMPTY = new TopicTrie(false, Map.of(), null, null, BindingGroup.EMPTY);
  private static final TopicTrie EMPTY_HASH =
      new TopicTrie(true, Map.of(), null, null, BindingGroup.EMPTY);

  /** Whether this node is reached by a '#' edge, so that it consumes any word and stays. */
  private final boolean hashNode;
  private final Map<String, TopicTrie> words;
  private final TopicTrie star;
  private final TopicTrie hash;
  private final BindingGroup group;

  private TopicTrie(boolean hashNode, Map<String, TopicTrie> words, TopicTrie star, TopicTrie hash,
      BindingGroup group) {
    this.hashNode = hashNode;
    this.words = words;
    this.star = star;
    this.hash = hash;
    this.group = group;
  }

  /**
   * The destinations of the patterns that match {@code key}. The trie is run as an automaton
   * over the set of active nodes rather than by backtracking, because patterns such as
   * {@code #.a.#.a.#} make backtracking exponential in the length of the key.
   */
  Destinations match(String[] key) {
    var active = new ArrayList<TopicTrie>();
    var next = new ArrayList<TopicTrie>();
    enter(this, active);
    for (String word : key) {
      for (TopicTrie node : active) {
        if (node.hashNode) {
          addOnce(next, node);
        }
        TopicTrie child = node.words.get(word);
        if (child != null) {
          enter(child, next);
        }
        if (node.star != null) {
          enter(node.star, next);
        }
      }
      if (next.isEmpty()) {
        return Destinations.NONE;
      }
      var done = active;
      active = next;
      next = done;
      next.clear();
    }
    var union = new DestinationsUnion();
    for (TopicTrie node : active) {
      union.add(node.group.destinations());
    }
    return union.result();
  }

  /** A node reached by a word or '*' edge has one parent, so only '#' nodes can repeat. */
  private static void enter(TopicTrie node, List<TopicTrie> active) {
    active.add(node);
    if (node.hash != null) {
      addOnce(active, node.hash);
    }
  }

  private static void addOnce(List<TopicTrie> active, TopicTrie node) {
    for (TopicTrie n : active) {
      if (n == node) {
        return;
      }
    }
    active.add(node);
  }

  /** The bindings whose pattern is exactly {@code pattern}. */
  BindingGroup group(List<String> pattern) {
    TopicTrie node = this;
    for (String word : pattern) {
      node = node.child(word);
      if (node == null) {
        return BindingGroup.EMPTY;
      }
    }
    return node.group;
  }

  TopicTrie add(List<String> pattern, int i, Binding b) {
    if (i == pattern.size()) {
      return new TopicTrie(hashNode, words, star, hash, group.plus(b));
    }
    String word = pattern.get(i);
    TopicTrie child = child(word);
    if (child == null) {
      child = word.equals("#") ? EMPTY_HASH : EMPTY;
    }
    return withChild(word, child.add(pattern, i + 1, b));
  }

  TopicTrie remove(List<String> pattern, int i, Binding b) {
    if (i == pattern.size()) {
      return new TopicTrie(hashNode, words, star, hash, group.minus(b));
    }
    String word = pattern.get(i);
    TopicTrie child = child(word);
    if (child == null) {
      return this;
    }
    TopicTrie rest = child.remove(pattern, i + 1, b);
    return withChild(word, rest.isEmpty() ? null : rest);
  }

  private boolean isEmpty() {
    return words.isEmpty() && star == null && hash == null && group.isEmpty();
  }

  private TopicTrie child(String word) {
    return switch (word) {
      case "*" -> star;
      case "#" -> hash;
      default -> words.get(word);
    };
  }

  private TopicTrie withChild(String word, TopicTrie child) {
    return switch (word) {
      case "*" -> new TopicTrie(hashNode, words, child, hash, group);
      case "#" -> new TopicTrie(hashNode, words, star, child, group);
      default -> {
        var next = new HashMap<>(words);
        if (child == null) {
          next.remove(word);
        } else {
          next.put(word, child);
        }
        yield new TopicTrie(hashNode, next, star, hash, group);
      }
    };
  }
}
