package io.junctionmq.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ExchangeType;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicRouterTest {

  private static Binding bind(String queue, String pattern) {
    return Binding.toQueue("/", "t", queue, pattern);
  }

  /** Whether a router holding only {@code pattern} matches {@code key}. */
  private static boolean matches(String pattern, String key) {
    var router = ExchangeRouter.of(ExchangeType.TOPIC, List.of(bind("q", pattern)));
    return !router.match(key, null).isEmpty();
  }

  private static void assertMatches(String pattern, String... keys) {
    for (String key : keys) {
      assertEquals(true, matches(pattern, key), () -> pattern + " should match '" + key + "'");
    }
  }

  private static void assertMatchesNot(String pattern, String... keys) {
    for (String key : keys) {
      assertEquals(false, matches(pattern, key), () -> pattern + " should not match '" + key + "'");
    }
  }

  @Test
  void topicLiteralPatternMatchesOnlyTheSameKey() {
    assertMatches("a.b", "a.b");
    assertMatchesNot("a.b", "a", "a.b.c", "b.a", "a.bb", "");
  }

  @Test
  void topicStarMatchesExactlyOneWord() {
    assertMatches("a.*", "a.b", "a.", "a.*");
    assertMatchesNot("a.*", "a", "a.b.c", "b.a");
    assertMatches("*.*", "a.b", ".", "a.");
    assertMatchesNot("*.*", "", "a", "a.b.c");
    assertMatches("*", "a", "*");
    assertMatchesNot("*", "", "a.b", ".");
  }

  @Test
  void topicHashMatchesZeroOrMoreWords() {
    assertMatches("#", "", "a", "a.b.c", ".", "a..b");
    assertMatches("a.#", "a", "a.b", "a.b.c", "a.");
    assertMatchesNot("a.#", "", "b", "b.a", "ab");
    assertMatches("#.b", "b", "a.b", "a.c.b", ".b");
    assertMatchesNot("#.b", "", "b.a", "ab");
    assertMatches("a.#.b", "a.b", "a.x.b", "a.x.y.b", "a.b.b");
    assertMatchesNot("a.#.b", "a", "b", "a.b.c", "a.x");
  }

  @Test
  void topicDoubleHashMeansTheSameAsOneHash() {
    assertMatches("#.#", "", "a", "a.b", "a.b.c");
    assertMatches("a.#.#.b", "a.b", "a.x.b", "a.x.y.z.b");
    assertMatchesNot("a.#.#.b", "a", "a.x");
  }

  @Test
  void topicHashAndStarTogetherNeedAtLeastTheStarredWords() {
    assertMatches("#.*", "a", "a.b");
    assertMatchesNot("#.*", "");
    assertMatches("*.#.*", "a.b", "a.b.c");
    assertMatchesNot("*.#.*", "", "a");
  }

  @Test
  void topicEmptyRoutingKeyHasNoWords() {
    assertMatches("", "");
    assertMatchesNot("", "a", ".");
    assertArrayEquals(new String[0], TopicRouter.words(""));
  }

  @Test
  void topicEmptyWordsAreWordsLikeAnyOther() {
    assertMatches("a..b", "a..b");
    assertMatches("a.*.b", "a..b");
    assertMatches("a.#.b", "a..b");
    assertMatchesNot("a.b", "a..b");
    assertMatchesNot("a..b", "a.b");
    assertArrayEquals(new String[] {"a", ""}, TopicRouter.words("a."));
    assertArrayEquals(new String[] {"", ""}, TopicRouter.words("."));
  }

  @Test
  void topicYieldsEachQueueOnceWhenSeveralPatternsMatch() {
    var router = ExchangeRouter.of(ExchangeType.TOPIC,
        List.of(bind("q2", "#"), bind("q1", "a.*"), bind("q2", "a.b"), bind("q3", "c")));

    assertEquals(List.of("q1", "q2"), router.match("a.b", null).queues());
    assertEquals(List.of("q2", "q3"), router.match("c", null).queues());
  }

  @Test
  void removingAPatternKeepsEquivalentPatternsToTheSameQueue() {
    var router = ExchangeRouter.of(ExchangeType.TOPIC, List.of(bind("q", "#.#"), bind("q", "#")));

    assertEquals(2, router.bindings().size());
    var rest = router.remove(bind("q", "#.#"));
    assertEquals(List.of("q"), rest.match("a.b", null).queues());
    assertEquals(Destinations.NONE, rest.remove(bind("q", "#")).match("a.b", null));
  }

  @Test
  void removingAPatternLeavesItsPrefixesAndExtensionsMatching() {
    var router = ExchangeRouter.of(ExchangeType.TOPIC,
        List.of(bind("q1", "a"), bind("q2", "a.b"), bind("q3", "a.b.c")));

    var rest = router.remove(bind("q2", "a.b"));
    assertEquals(List.of("q1"), rest.match("a", null).queues());
    assertEquals(Destinations.NONE, rest.match("a.b", null));
    assertEquals(List.of("q3"), rest.match("a.b.c", null).queues());
  }

  @Test
  void topicMatchingStaysFastForPatternsWithManyHashes() {
    var router = ExchangeRouter.of(ExchangeType.TOPIC, List.of(bind("q", "#.a.#.a.#.a.#.a.#.a.#.b")));
    String key = String.join(".", Collections.nCopies(250, "a"));

    assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
      assertEquals(Destinations.NONE, router.match(key, null));
      assertEquals(List.of("q"), router.match(key + ".b", null).queues());
    });
  }
}
