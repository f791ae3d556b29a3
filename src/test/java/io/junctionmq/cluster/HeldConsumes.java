package io.junctionmq.cluster;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Holds the CONSUME requests one node sends to another, as a slow network would, until
 * {@link #release()}: a consumer's attach stays in flight while the test changes the cluster.
 *
 * <pre>{@code
 * try (var held = HeldConsumes.between(cluster.vertx(0), cluster.nodeId(1))) {
 *   Future<Consumer> consuming = cluster.node(0).broker().consume(...);
 *   await().until(() -> held.count() == 1);
 *   // ... the queue moves, the connection closes ...
 *   held.release();
 * }
 * }</pre>
 */
final class HeldConsumes implements AutoCloseable {
  private final Vertx vertx;
  private final String address;
  private final Handler<DeliveryContext<Object>> interceptor = this::intercept;
  private final List<Held> held = new CopyOnWriteArrayList<>();

  private HeldConsumes(Vertx vertx, String toNode) {
    this.vertx = vertx;
    this.address = Protocol.node(toNode);
  }

  /** Holds what {@code vertx}'s node asks node {@code toNode} to attach from now on. */
  static HeldConsumes between(Vertx vertx, String toNode) {
    var h = new HeldConsumes(vertx, toNode);
    vertx.eventBus().addOutboundInterceptor(h.interceptor);
    return h;
  }

  /** How many requests are held. */
  int count() {
    return held.size();
  }

  /** Sends the held requests on, late; the ones that follow are held again. */
  void release() {
    for (Held h : held) {
      held.remove(h);
      if (h.context == null) {
        h.delivery.next();
      } else {
        h.context.runOnContext(v -> h.delivery.next());
      }
    }
  }

  /** Releases what is held and holds nothing more. */
  @Override
  public void close() {
    vertx.eventBus().removeOutboundInterceptor(interceptor);
    release();
  }

  private void intercept(DeliveryContext<Object> delivery) {
    if (delivery.message().address().equals(address) && delivery.body() instanceof Buffer b && b.length() > 0
        && b.getByte(0) == Protocol.CONSUME) {
      held.add(new Held(delivery, Vertx.currentContext()));
    } else {
      delivery.next();
    }
  }

  private record Held(DeliveryContext<Object> delivery, Context context) {
  }
}
