package io.junctionmq.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests to a node that dies fail when the membership drops it, not at their timeout.
 * Found by ProcessFailoverClusterIT: publishes in flight to a killed owner held their
 * publisher for the whole 5 s, so the first delivery from the new owner came after 5 s.
 */
class InFlightTest {
  private final List<Handler<Set<String>>> handlers = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final InFlight inFlight = new InFlight(new Membership() {
    @Override
    public String self() {
      return "a";
    }

    @Override
    public Set<String> members() {
      return Set.of("a", "b", "c");
    }

    @Override
    public void onChange(Handler<Set<String>> handler) {
      handlers.add(handler);
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }, vertx, 200);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aRequestToANodeThatLeavesFailsUnavailableAfterTheGrace() {
    Future<String> toB = inFlight.track("b", Promise.<String>promise().future());
    Future<String> toC = inFlight.track("c", Promise.<String>promise().future());
    long left = System.nanoTime();
    handlers.forEach(h -> h.handle(Set.of("a", "c")));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(toB::isComplete);
    assertTrue(System.nanoTime() - left >= 150_000_000L, "not before the grace");
    assertTrue(toB.failed());
    assertEquals(ErrorCode.UNAVAILABLE, ((JunctionException) toB.cause()).code());
    assertFalse(toC.isComplete(), "a request to a node still there waits for its answer");
  }

  @Test
  void anAnswerThatArrivesWithinTheGraceWins() {
    Promise<String> reply = Promise.promise();
    Future<String> toB = inFlight.track("b", reply.future());
    handlers.forEach(h -> h.handle(Set.of("a", "c")));
    reply.fail(new IllegalStateException("refused: nothing was done"));
    assertEquals("refused: nothing was done", toB.cause().getMessage());
  }

  @Test
  void anAnsweredRequestCompletesAsItsReplyAndIsForgotten() {
    Promise<String> reply = Promise.promise();
    Future<String> request = inFlight.track("b", reply.future());
    assertEquals(1, inFlight.pending("b"));
    reply.complete("ok");
    assertEquals("ok", request.result());
    assertEquals(0, inFlight.pending("b"));
    handlers.forEach(h -> h.handle(Set.of("a")));
    assertEquals("ok", request.result());
  }
}
