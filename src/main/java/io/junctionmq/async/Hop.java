package io.junctionmq.async;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** Completes a future on the context of whoever asked for it, as Vert.x callers expect. */
public final class Hop {
  private Hop() {
  }

  /** A future that completes like {@code future}, on the current context at the time of this call. */
  public static <T> Future<T> toCaller(Future<T> future) {
    return toContext(Vertx.currentContext(), future);
  }

  /** A future that completes like {@code future}, on {@code context} (as is, when null). */
  public static <T> Future<T> toContext(Context context, Future<T> future) {
    if (context == null) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        promise.handle(ar);
      } else {
        context.runOnContext(v -> promise.handle(ar));
      }
    });
    return promise.future();
  }
}
