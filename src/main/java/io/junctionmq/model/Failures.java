package io.junctionmq.model;

import java.net.ConnectException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one translation of a failure into what a client sees, called by each edge (HTTP, STOMP,
 * the event-bus client endpoint, a node answering another) and nowhere else. A
 * {@link JunctionException} is already translated and passes as it is; a store failure is
 * {@code store_unavailable} and a {@link CodedFailure} has its own code, both with a fixed
 * reason; anything else is a bug: {@code internal_error}, and the client learns nothing of it.
 *
 * <p>The translation logs what it did not expect: a store failure at WARN with its messages,
 * anything unknown at ERROR with its stack. It logs each failure once: what it returns is a
 * JunctionException, which it never logs, and a failure it translated moments before (a failed
 * write batch fails many calls with one exception) is answered again without a log.
 */
public final class Failures {
  private static final Logger log = LoggerFactory.getLogger(Failures.class);
  private static final int MAX_CAUSES = 16;
  /** How long a failure met again counts as the same occurrence (some failures are shared singletons). */
  private static final long SAME_OCCURRENCE_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final Map<Throwable, Translation> translated = Collections.synchronizedMap(new WeakHashMap<>());

  private Failures() {
  }

  /**
   * What a client may see of {@code failure}; {@code where} says in the log where it was met
   * ({@code POST /api/...}, {@code STOMP session ...}).
   */
  public static JunctionException translate(Throwable failure, String where) {
    if (failure instanceof JunctionException j) {
      return j;
    }
    if (failure == null) {
      log.error("{}: failed without an exception", where);
      return ErrorCode.internal();
    }
    long now = System.nanoTime();
    // Throwable keeps identity equality, so the weak map holds each failure once.
    return translated.compute(failure, (f, before) -> before != null && now - before.at() < SAME_OCCURRENCE_NANOS
        ? before : new Translation(firstTranslation(f, where), now)).error();
  }

  private static JunctionException firstTranslation(Throwable failure, String where) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
      if (t instanceof JunctionException j) {
        return j;
      }
      if (t instanceof CodedFailure coded) {
        return logged(coded.code().error(coded.clientReason()), failure, where);
      }
      if (fromStoreClient(t)) {
        return logged(ErrorCode.storeUnavailable(), failure, where);
      }
    }
    log.error("{}: unexpected failure", where, failure);
    return ErrorCode.internal();
  }

  private static JunctionException logged(JunctionException e, Throwable failure, String where) {
    if (e.code() == ErrorCode.STORE_UNAVAILABLE) {
      log.warn("{}: {} ({})", where, e.reason(), messages(failure));
    } else {
      log.debug("{}: {} ({})", where, e, messages(failure));
    }
    return e;
  }

  /** The PostgreSQL client's own failures, and a connection the database refused. */
  private static boolean fromStoreClient(Throwable t) {
    String name = t.getClass().getName();
    return name.startsWith("io.vertx.pgclient.") || name.startsWith("io.vertx.sqlclient.")
        || t instanceof ConnectException;
  }

  private record Translation(JunctionException error, long at) {
  }

  /** The failure's messages down its causes, for the log only. */
  private static String messages(Throwable failure) {
    var text = new StringBuilder(String.valueOf(failure.getMessage()));
    int depth = 0;
    for (Throwable t = failure.getCause(); t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
      text.append(": ").append(t.getMessage());
    }
    return text.toString();
  }
}
