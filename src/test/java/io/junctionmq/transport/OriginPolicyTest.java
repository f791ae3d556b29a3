package io.junctionmq.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
  private static final Optional<Origin> SELF = Optional.of(new Origin("http", "127.0.0.1", 8080));
  private static final OriginPolicy SAME_ORIGIN_ONLY = OriginPolicy.of(List.of());

  @Test
  void originsAreComparedAsBrowsersDoWithDefaultPortsAndCaseFolded() {
    assertEquals(Optional.of(new Origin("https", "app.example.com", 443)), Origin.parse("HTTPS://App.Example.com"));
    assertEquals(Origin.parse("https://app.example.com"), Origin.parse("https://app.example.com:443"));
    assertEquals("http://app.example.com", new Origin("http", "app.example.com", 80).toString());
    assertEquals("http://[::1]:8080", Origin.parse("http://[::1]:8080").orElseThrow().toString());
  }

  @Test
  void whatIsNoOriginParsesToNothing() {
    for (String text : List.of("null", "file:///etc/passwd", "http://host/path", "http://user@host", "ws://host",
        "not a url", "")) {
      assertEquals(Optional.empty(), Origin.parse(text), text);
    }
  }

  @Test
  void aRequestWithoutOriginIsNoBrowserPageAndPasses() {
    assertTrue(SAME_ORIGIN_ONLY.allows(null, SELF));
  }

  @Test
  void byDefaultOnlyTheServersOwnOriginPasses() {
    assertTrue(SAME_ORIGIN_ONLY.allows("http://127.0.0.1:8080", SELF));
    assertFalse(SAME_ORIGIN_ONLY.allows("http://127.0.0.1:8081", SELF), "another port");
    assertFalse(SAME_ORIGIN_ONLY.allows("http://localhost:8080", SELF), "another host name");
    assertFalse(SAME_ORIGIN_ONLY.allows("https://127.0.0.1:8080", SELF), "another scheme");
    assertFalse(SAME_ORIGIN_ONLY.allows("null", SELF), "a sandboxed page");
    assertFalse(SAME_ORIGIN_ONLY.allows("http://127.0.0.1:8080", Optional.empty()), "no Host to compare with");
  }

  @Test
  void listedOriginsPassBesidesTheServersOwn() {
    var policy = OriginPolicy.of(List.of("https://app.example.com", "http://localhost:3000"));

    assertTrue(policy.allows("https://app.example.com", SELF));
    assertTrue(policy.allows("https://APP.example.com:443", SELF));
    assertTrue(policy.allows("http://localhost:3000", SELF));
    assertTrue(policy.allows("http://127.0.0.1:8080", SELF));
    assertFalse(policy.allows("http://app.example.com", SELF));
    assertFalse(policy.allows("https://evil.example.com", SELF));
    assertEquals(List.of("http://localhost:3000", "https://app.example.com"), policy.listed());
  }

  @Test
  void aStarLetsEveryOriginPass() {
    var policy = OriginPolicy.of(List.of("*"));

    assertTrue(policy.allows("https://anywhere.example", SELF));
    assertTrue(policy.allows("null", SELF));
    assertEquals(List.of("*"), policy.listed());
  }
}
