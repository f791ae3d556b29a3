package io.junctionmq.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** RabbitMQ's {@code wildcard_match_SUITE}, case by case. */
class WildcardTest {

  private static boolean matches(String name, String pattern) {
    return Wildcard.of(pattern).matches(name);
  }

  @Test
  void aPatternWithoutWildcardsMatchesItsUrlDecodedSelfOnly() {
    assertTrue(matches("foo", "foo"));
    assertTrue(matches("string with / special % characters", "string%20with%20%2F%20special%20%25%20characters"));
    assertTrue(matches("pattern with  plus  spaces", "pattern+with++plus++spaces"));
    assertTrue(matches("pattern with plus spaces and * wildcard encoded",
        "pattern+with+plus+spaces+and+%2A+wildcard+encoded"));
    assertTrue(matches("case with * special / characters", "case+with+%2a+special+%2f+characters"));
    assertFalse(matches("casesensitive", "CaseSensitive"));
    assertFalse(matches("foo", "fo"));
    assertFalse(matches("foo", "fooo"));
    assertFalse(matches("string with unescaped % character", "string with unescaped % character"),
        "a pattern that does not decode matches nothing");
    assertTrue(matches("wildcard * is matched by wildcard", "wildcard * is matched by wildcard"));
    assertTrue(matches("wildcard * and anything else is matched by wildcard", "wildcard * is matched by wildcard"));
    assertTrue(matches("wildcard * is matched by urlencoded", "wildcard+%2a+is+matched+by+urlencoded"));
    assertFalse(matches("wildcard * and anything is not matched by urlencoded",
        "wildcard+%2a+is+not+matched+by+urlencoded"));
    assertTrue(matches("pattern with  spaces", "pattern with  spaces"));
  }

  @Test
  void aLeadingWildcardMatchesAnySuffix() {
    assertTrue(matches("foo", "*oo"));
    assertTrue(matches("foo", "*foo"));
    assertTrue(matches("foo", "*"));
    assertTrue(matches("line * with * special * characters", "*+characters"));
    assertTrue(matches("line * with * special * characters", "*special+%2A+characters"));
    assertFalse(matches("foo", "*r"));
    assertFalse(matches("foo", "*foobar"));
  }

  @Test
  void aTrailingWildcardMatchesAnyPrefix() {
    assertTrue(matches("foo", "fo*"));
    assertTrue(matches("foo", "foo*"));
    assertTrue(matches("line * with * special * characters", "line+*"));
    assertTrue(matches("line * with * special * characters", "line+%2a*"));
    assertTrue(matches("string with unescaped *", "string+with+unescaped+*"));
    assertFalse(matches("foo", "b*"));
    assertFalse(matches("foo", "barfoo*"));
  }

  @Test
  void wildcardsInTheMiddleMatchInOrder() {
    assertTrue(matches("string", "*str*ing*"));
    assertTrue(matches("str*ing", "*str*ing*"));
    assertTrue(matches("some long string", "some*string"));
    assertTrue(matches("some long string", "some*long*string"));
    assertTrue(matches("some long string", "*some*string*"));
    assertTrue(matches("some long string", "*long*"));
    assertTrue(matches("some long string", "*+*+*"));
    assertFalse(matches("some string", "*+*+*"));
    assertFalse(matches("some long string", "some*other*string"));
    assertTrue(matches("some long string", "s*e*str*"));
    assertFalse(matches("some long string", "s*z*str*"));
    assertFalse(matches("string", "*some*"));
    assertFalse(matches("string", "*some*string*"));
  }

  @Test
  void thePartAfterAWildcardIsMatchedWhereItFirstOccursAsInRabbitmq() {
    assertTrue(matches("axb", "a*b"));
    assertFalse(matches("abxb", "a*b"));
    assertFalse(matches("foo", "foo**"));
    assertTrue(matches("food", "foo**"));
  }
}
