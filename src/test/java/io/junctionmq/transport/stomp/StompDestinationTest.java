package io.junctionmq.transport.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.junctionmq.model.JunctionException;
import org.junit.jupiter.api.Test;

class StompDestinationTest {

  @Test
  void parsesRabbitMqDestinations() {
    assertEquals(new StompDestination.ToExchange("amq.direct", "a/b"), StompDestination.parse("/exchange/amq.direct/a/b"));
    assertEquals(new StompDestination.ToExchange("logs", ""), StompDestination.parse("/exchange/logs"));
    assertEquals(new StompDestination.ToQueue("orders"), StompDestination.parse("/queue/orders"));
    assertEquals(new StompDestination.ToExistingQueue("q"), StompDestination.parse("/amq/queue/q"));
    assertEquals(new StompDestination.ToTopic("a.*.c"), StompDestination.parse("/topic/a.*.c"));
    assertEquals(new StompDestination.ToTempQueue("r"), StompDestination.parse("/temp-queue/r"));
    assertEquals(new StompDestination.ToReplyQueue("stomp-temp-1"), StompDestination.parse("/reply-queue/stomp-temp-1"));
  }

  @Test
  void refusesAnythingElse() {
    for (String bad : new String[] {"", "/queue/", "/nowhere/x", "queue/x", "/exchange/"}) {
      assertThrows(JunctionException.class, () -> StompDestination.parse(bad), bad);
    }
  }

  @Test
  void showsWhereAMessageWasPublished() {
    assertEquals("/queue/q", StompDestination.of("", "q"));
    assertEquals("/topic/a.b", StompDestination.of("amq.topic", "a.b"));
    assertEquals("/exchange/x/k", StompDestination.of("x", "k"));
    assertEquals("/exchange/x", StompDestination.of("x", ""));
  }
}
