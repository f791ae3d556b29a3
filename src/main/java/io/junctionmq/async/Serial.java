package io.junctionmq.async;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Runs asynchronous operations one after another on one context, so that metadata changes
 * (declare, bind, delete) never interleave. Futures complete on the caller's context.
 */
public final class Serial {
  private final Context context;
  private Future<?> tail = Future.succeededFuture();

  public Serial(Context context) {
    this.context = context;
  }

  public <T> Future<T> submit(Supplier<Future<T>> operation) {
    Context caller = Vertx.currentContext();
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> tail = tail.transform(previous -> {
      Future<T> result;
      try {
        result = operation.get();
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(done);
      return result.transform(ar -> Future.succeededFuture());
    }));
    return Hop.toContext(caller, done.future());
  }
}
