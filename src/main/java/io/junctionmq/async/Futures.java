package io.junctionmq.async;

import io.vertx.core.Future;
import java.util.function.Supplier;

/** Small helpers for futures. */
public final class Futures {
  private Futures() {
  }

  /** Runs {@code operation}; what it throws (a lookup that fails, a check) becomes a failed future. */
  public static <T> Future<T> attempt(Supplier<Future<T>> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
