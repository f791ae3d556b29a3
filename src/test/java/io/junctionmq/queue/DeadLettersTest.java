package io.junctionmq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.QueueArguments;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
  private static final QueuePolicy TO_DLX = QueuePolicy.of(QueueArguments.parse(Map.of("x-dead-letter-exchange", "dlx")));

  @Test
  void goesToTheDeadLetterExchangeWithItsRoutingKeyAndDeathHeaders() {
    var props = MessageProperties.builder().persistent(true).expiration("50").headers(Map.of("app", "1")).build();
    var original = new Message("orders", "eu.new", props, new byte[] {1, 2});
    Message letter = DeadLetters.of(original, "work", TO_DLX, QueuePolicy.Reason.EXPIRED);
    assertEquals("dlx", letter.exchange());
    assertEquals("eu.new", letter.routingKey());
    assertNull(letter.properties().expiration(), "a dead letter does not expire again at once");
    var h = letter.properties().headers();
    assertEquals("1", h.get("app"));
    assertEquals("work", h.get("x-first-death-queue"));
    assertEquals("expired", h.get("x-first-death-reason"));
    assertEquals("orders", h.get("x-first-death-exchange"));
    assertEquals("50", h.get("x-original-expiration"));
    assertEquals("1", h.get("x-death-count"));
    assertEquals(true, letter.persistent());
  }

  @Test
  void aSecondDeathKeepsTheFirstAndCounts() {
    var original = new Message("x", "k", MessageProperties.PERSISTENT, new byte[0]);
    var policy = QueuePolicy.of(QueueArguments.parse(Map.of("x-dead-letter-exchange", "dlx2",
        "x-dead-letter-routing-key", "parked")));
    Message once = DeadLetters.of(original, "q1", TO_DLX, QueuePolicy.Reason.REJECTED);
    Message twice = DeadLetters.of(once, "q2", policy, QueuePolicy.Reason.MAXLEN);
    assertEquals("parked", twice.routingKey());
    var h = twice.properties().headers();
    assertEquals("q1", h.get("x-first-death-queue"));
    assertEquals("rejected", h.get("x-first-death-reason"));
    assertEquals("q2", h.get("x-last-death-queue"));
    assertEquals("maxlen", h.get("x-last-death-reason"));
    assertEquals("dlx", h.get("x-last-death-exchange"));
    assertEquals("2", h.get("x-death-count"));
  }
}
