package io.junctionmq.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.junctionmq.store.FencedException;
import io.junctionmq.store.LeaseHeldException;
import io.junctionmq.store.StoreException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FailuresTest {
  private static final String SQL = "INSERT INTO message (queue_id, seq) VALUES ($1, $2)";
  private static final String STORE_REASON = "the message store is unavailable";
  private static final String INTERNAL_REASON = "internal error; the broker log has the details";

  private final Logger logger = (Logger) LoggerFactory.getLogger(Failures.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private Level level;

  @BeforeEach
  void captureTheLog() {
    level = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logger.setAdditive(false);
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void releaseTheLog() {
    logger.detachAppender(logged);
    logger.setAdditive(true);
    logger.setLevel(level);
  }

  @Test
  void aJunctionExceptionPassesAsItIsAndIsNotLogged() {
    JunctionException full = ErrorCode.queueFull("orders", "reject-publish");
    assertSame(full, Failures.translate(full, "test"));
    assertEquals(List.of(), logged.list);
  }

  @Test
  void aStoreExceptionIsStoreUnavailableWithAFixedReasonNeverTheSql() {
    var failure = new StoreException("store write failed: " + SQL, pgError());
    assertClean(ErrorCode.STORE_UNAVAILABLE, STORE_REASON, Failures.translate(failure, "test"));
  }

  @Test
  void thePostgresClientsOwnFailuresAreStoreUnavailable() {
    for (Throwable failure : List.of(pgError(), ClosedConnectionException.INSTANCE,
        new ConnectException("Connection refused: localhost/127.0.0.1:5432"))) {
      assertClean(ErrorCode.STORE_UNAVAILABLE, STORE_REASON, Failures.translate(failure, "test"));
    }
  }

  @Test
  void aStoreFailureWrappedInAnotherExceptionIsStillStoreUnavailable() {
    var failure = new CompletionException(new IllegalStateException("while storing", pgError()));
    assertClean(ErrorCode.STORE_UNAVAILABLE, STORE_REASON, Failures.translate(failure, "test"));
  }

  @Test
  void aWrappedJunctionExceptionKeepsItsCodeAndReason() {
    JunctionException tag = ErrorCode.UNKNOWN_DELIVERY_TAG.error("no delivery 7");
    assertSame(tag, Failures.translate(new CompletionException(tag), "test"));
  }

  @Test
  void aFencedWriteAndAHeldLeaseAreQueueUnavailable() {
    assertClean(ErrorCode.QUEUE_UNAVAILABLE, "the queue moved to another node",
        Failures.translate(new FencedException(42), "test"));
    assertClean(ErrorCode.QUEUE_UNAVAILABLE, "the queue is owned by another node",
        Failures.translate(new LeaseHeldException(42, "n7"), "test"));
  }

  @Test
  void anUnknownFailureIsInternalErrorWithoutItsClassOrMessage() {
    var bug = new IllegalStateException("index 3 out of bounds in RoutingTable " + SQL);
    JunctionException e = Failures.translate(bug, "test");
    assertClean(ErrorCode.INTERNAL_ERROR, INTERNAL_REASON, e);
    assertFalse(e.reason().contains("IllegalState"), e.reason());
    assertFalse(e.reason().contains("RoutingTable"), e.reason());
  }

  @Test
  void anUnknownFailureIsLoggedOnceWithItsStackHoweverManyEdgesMeetIt() {
    var bug = new NullPointerException("queue was null");
    Failures.translate(bug, "HTTP POST /api/exchanges/%2F/x/publish");
    Failures.translate(bug, "STOMP session 1");
    assertSame(ErrorCode.INTERNAL_ERROR, Failures.translate(bug, "event-bus request").code());

    assertEquals(1, logged.list.size(), logged.list.toString());
    ILoggingEvent event = logged.list.get(0);
    assertEquals(Level.ERROR, event.getLevel());
    assertNotNull(event.getThrowableProxy(), "the stack trace is in the log");
    assertEquals("HTTP POST /api/exchanges/%2F/x/publish: unexpected failure", event.getFormattedMessage());
  }

  @Test
  void aStoreFailureIsLoggedOnceAtWarnWithItsMessagesButNoStack() {
    var failure = new StoreException("store write failed", pgError());
    Failures.translate(failure, "STOMP session 1");
    Failures.translate(failure, "STOMP session 2");

    assertEquals(1, logged.list.size(), logged.list.toString());
    ILoggingEvent event = logged.list.get(0);
    assertEquals(Level.WARN, event.getLevel());
    assertNull(event.getThrowableProxy());
    assertEquals("STOMP session 1: the message store is unavailable (store write failed: FATAL: terminating"
        + " connection due to administrator command (57P01))", event.getFormattedMessage());
  }

  @Test
  void twoFailuresAreLoggedTwice() {
    Failures.translate(new IllegalStateException("one"), "test");
    Failures.translate(new IllegalStateException("two"), "test");
    assertEquals(2, logged.list.size());
  }

  @Test
  void noFailureAtAllIsInternalError() {
    assertClean(ErrorCode.INTERNAL_ERROR, INTERNAL_REASON, Failures.translate(null, "HTTP GET /api/x (status 500)"));
    assertEquals(Level.ERROR, logged.list.get(0).getLevel());
  }

  private static PgException pgError() {
    return new PgException("terminating connection due to administrator command", "FATAL", "57P01", SQL);
  }

  private static void assertClean(ErrorCode code, String reason, JunctionException e) {
    assertEquals(code, e.code(), e.toString());
    assertEquals(reason, e.reason());
  }
}
