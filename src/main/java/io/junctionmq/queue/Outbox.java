package io.junctionmq.queue;

import io.junctionmq.model.Delivery;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The deliveries of one queue command, handed to each consumer's context as one batch when
 * the command is done. While this node may have been paused past its lease, nothing is handed
 * out until a renewal says the queue is still ours; if it is not, the queue is closed and
 * nothing is. On the queue's context only.
 */
final class Outbox {
  private final Context context;
  private final LeaseClock leaseClock;
  private final BooleanSupplier closed;
  private final Runnable beforeHandOut;
  private final Map<Recipient, List<Delivery>> batches = new HashMap<>();
  private boolean heldForLease;

  /** {@code beforeHandOut} runs before a batch goes out (the queue counts it unacked first). */
  Outbox(Context context, LeaseClock leaseClock, BooleanSupplier closed, Runnable beforeHandOut) {
    this.context = context;
    this.leaseClock = leaseClock;
    this.closed = closed;
    this.beforeHandOut = beforeHandOut;
  }

  void add(Recipient to, Delivery delivery) {
    batches.computeIfAbsent(to, k -> new ArrayList<>()).add(delivery);
  }

  /** Hands out what was added, unless the lease is in doubt (then after the renewal). */
  void flush() {
    if (batches.isEmpty() || heldForLease) {
      return;
    }
    if (!leaseClock.valid()) {
      heldForLease = true;
      afterLeaseCheck(() -> {
        heldForLease = false;
        flush();
      });
      return;
    }
    beforeHandOut.run();
    for (var entry : batches.entrySet()) {
      Recipient to = entry.getKey();
      List<Delivery> batch = entry.getValue();
      to.context().runOnContext(v -> to.sink().deliver(batch));
    }
    batches.clear();
  }

  /** Runs {@code handOut} now, or once a renewal says the queue is still ours; never if it is not. */
  void afterLeaseCheck(Runnable handOut) {
    if (leaseClock.valid()) {
      handOut.run();
      return;
    }
    leaseClock.whenRenewed(() -> context.runOnContext(v -> {
      if (!closed.getAsBoolean()) {
        handOut.run();
      }
    }));
  }

  /** A consumer's sink and the context its deliveries run on. */
  record Recipient(Context context, DeliverySink sink) {
  }
}
