package io.junctionmq.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.store.StoreException;
import io.junctionmq.transport.eventbus.ClientProtocol;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.impl.codecs.ReplyExceptionMessageCodec;
import io.vertx.pgclient.PgException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Error codes on the event bus, between nodes ({@link Protocol}) and between a
 * {@code JunctionClient} and its node ({@link ClientProtocol}): a real event bus fails the
 * request, and the failure goes through the codec a clustered event bus writes it with.
 */
class ErrorWireTest {
  private static final ReplyExceptionMessageCodec WIRE = new ReplyExceptionMessageCodec();
  private static final AtomicInteger addresses = new AtomicInteger();
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void everyCodeCrossesBetweenNodesByNameAndArrivesWithItsReason() throws Exception {
    for (ErrorCode code : ErrorCode.values()) {
      String reason = "reason of " + code.wireName() + ": with a colon";
      ReplyException failure = failedRequest(m -> Protocol.fail(m, code.error(reason)));

      assertEquals(Protocol.JUNCTION_ERROR, failure.failureCode());
      assertEquals(code.wireName() + ": " + reason, failure.getMessage(), "the code by name, not by ordinal");
      JunctionException e = Protocol.error(failure, "n1");
      assertEquals(code, e.code());
      assertEquals(reason, e.reason());
    }
  }

  @Test
  void everyCodeCrossesFromANodeToAJunctionClientAndIsNoLostSession() throws Exception {
    for (ErrorCode code : ErrorCode.values()) {
      String reason = "the client's " + code.wireName();
      ReplyException failure = failedRequest(m -> ClientProtocol.fail(m, code.error(reason), "test"));

      assertFalse(ClientProtocol.sessionUnknown(failure), code.wireName());
      JunctionException e = Protocol.error(failure, "n1");
      assertEquals(code, e.code());
      assertEquals(reason, e.reason());
    }
  }

  @Test
  void aSessionTheNodeDoesNotHaveIsToldApartFromEveryCode() throws Exception {
    ReplyException failure = failedRequest(m -> ClientProtocol.failSessionUnknown(m, "node n1 has no session s"));
    assertTrue(ClientProtocol.sessionUnknown(failure));
    assertEquals(ClientProtocol.SESSION_UNKNOWN, failure.failureCode());
  }

  @Test
  void aStoreFailureOnTheOwnerReachesTheRequestingNodeAsStoreUnavailableWithoutTheSql() throws Exception {
    var raw = new StoreException("store write failed", new PgException("relation \"queue_lease\" is locked",
        "ERROR", "55P03", "SELECT owner FROM queue_lease WHERE queue_id = $1 FOR SHARE"));
    ReplyException failure = failedRequest(m -> Protocol.fail(m, raw));

    JunctionException e = Protocol.error(failure, "n1");
    assertEquals(ErrorCode.STORE_UNAVAILABLE, e.code());
    assertEquals("the message store is unavailable", e.reason());
    assertFalse(failure.getMessage().contains("queue_lease"), failure.getMessage());
  }

  @Test
  void aBugOnTheOwnerReachesTheRequestingNodeAsInternalErrorWithoutItsText() throws Exception {
    ReplyException failure = failedRequest(m -> Protocol.fail(m, new ArrayIndexOutOfBoundsException("index 9 of 3")));

    JunctionException e = Protocol.error(failure, "n1");
    assertEquals(ErrorCode.INTERNAL_ERROR, e.code());
    assertEquals("internal error; the broker log has the details", e.reason());
  }

  @Test
  void aCodeThisVersionDoesNotKnowIsInternalErrorNamingIt() throws Exception {
    ReplyException failure = failedRequest(m -> m.fail(Protocol.JUNCTION_ERROR, "too_many_requests: slow down"));

    JunctionException e = Protocol.error(failure, "n1");
    assertEquals(ErrorCode.INTERNAL_ERROR, e.code());
    assertEquals("too_many_requests: slow down", e.reason());
  }

  @Test
  void anOrdinalIsNoLongerReadAsACode() throws Exception {
    ReplyException failure = failedRequest(m -> m.fail(ErrorCode.QUEUE_FULL.ordinal(), "queue 'q' is full"));

    JunctionException e = Protocol.error(failure, "n1");
    assertEquals(ErrorCode.INTERNAL_ERROR, e.code());
    assertFalse(e.reason().contains("queue 'q'"), e.reason());
  }

  /** Fails a request with {@code answer} on a real event bus; returns the failure as the cluster's wire carries it. */
  private static ReplyException failedRequest(Handler<Message<Buffer>> answer) throws Exception {
    String address = "error-wire-test." + addresses.incrementAndGet();
    var consumer = vertx.eventBus().<Buffer>consumer(address, answer);
    consumer.completion().await(5, TimeUnit.SECONDS);
    try {
      Throwable failure = vertx.eventBus().request(address, Buffer.buffer("request"))
          .map(reply -> (Throwable) new AssertionError("the request succeeded"))
          .otherwise(t -> t)
          .await(5, TimeUnit.SECONDS);
      ReplyException local = assertInstanceOf(ReplyException.class, failure);
      Buffer wire = Buffer.buffer();
      WIRE.encodeToWire(wire, local);
      return WIRE.decodeFromWire(0, wire);
    } finally {
      consumer.unregister().await(5, TimeUnit.SECONDS);
    }
  }
}
