package io.junctionmq.routing;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ExchangeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Routes a message to the bindings whose pattern matches its routing key. Keys and patterns
 * are words separated by '.'; in a pattern {@code *} matches exactly one word and {@code #}
 * zero or more. As in RabbitMQ, the empty key has no words, and {@code a..b} has an empty
 * middle word.
 */
final class TopicRouter implements ExchangeRouter {

  static final TopicRouter EMPTY = new TopicRouter(List.of(), TopicTrie.EMPTY);

  private static final String[] NO_WORDS = new String[0];

  private final List<Binding> bindings;
  private final TopicTrie trie;

  private TopicRouter(List<Binding> bindings, TopicTrie trie) {
    this.bindings = bindings;
    this.trie = trie;
  }

  @Override
  public ExchangeType type() {
    return ExchangeType.TOPIC;
  }

  @Override
  public Destinations match(String routingKey, Map<String, String> headers) {
    return bindings.isEmpty() ? Destinations.NONE : trie.match(words(routingKey));
  }

  @Override
  public List<Binding> bindings() {
    return bindings;
  }

  @Override
  public ExchangeRouter add(Binding binding) {
    var pattern = pattern(binding.routingKey());
    if (trie.group(pattern).contains(binding)) {
      return this;
    }
    return new TopicRouter(CopyOnWrite.plus(bindings, binding), trie.add(pattern, 0, binding));
  }

  @Override
  public ExchangeRouter remove(Binding binding) {
    var pattern = pattern(binding.routingKey());
    if (!trie.group(pattern).contains(binding)) {
      return this;
    }
    return new TopicRouter(CopyOnWrite.minus(bindings, binding), trie.remove(pattern, 0, binding));
  }

  static String[] words(String key) {
    if (key.isEmpty()) {
      return NO_WORDS;
    }
    int count = 1;
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) == '.') {
        count++;
      }
    }
    var words = new String[count];
    int start = 0;
    int w = 0;
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) == '.') {
        words[w++] = key.substring(start, i);
        start = i + 1;
      }
    }
    words[w] = key.substring(start);
    return words;
  }

  /** The words of a pattern, with runs of '#' collapsed, since {@code #.#} means {@code #}. */
  static List<String> pattern(String key) {
    var pattern = new ArrayList<String>();
    for (String word : words(key)) {
      boolean repeatedHash = word.equals("#") && !pattern.isEmpty()
          && pattern.get(pattern.size() - 1).equals("#");
      if (!repeatedHash) {
        pattern.add(word);
      }
    }
    return pattern;
  }
}
