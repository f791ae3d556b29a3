package io.junctionmq.cluster;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.async.Hop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests this node has in flight to each other node. The event bus drops what it
 * cannot deliver to a node that died, so such a request would end only at its timeout (5 s);
 * when the membership drops the node, its requests fail after a short grace instead, as
 * UNAVAILABLE: like a timeout, the request may have been carried out. The grace lets an
 * answer already on its way arrive first (often a refusal saying that nothing was done,
 * which a publish may retry on the queue's new owner).
 */
public final class InFlight {
  /** How long requests to a departed node may still be answered. */
  public static final long GRACE_MILLIS = 1000;
  private final Map<String, Set<Promise<?>>> byNode = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final long graceMillis;

  public InFlight(Membership membership, Vertx vertx, long graceMillis) {
    this.vertx = vertx;
    this.graceMillis = graceMillis;
    membership.onChange(this::retain);
  }

  /** Completes like {@code reply} (on the caller's context), or fails first if {@code node} leaves the cluster. */
  public <T> Future<T> track(String node, Future<T> reply) {
    Promise<T> answered = Promise.promise();
    Set<Promise<?>> pending = byNode.computeIfAbsent(node, n -> ConcurrentHashMap.newKeySet());
    pending.add(answered);
    Future<T> result = Hop.toContext(Vertx.currentContext(), answered.future());
    reply.onComplete(ar -> {
      pending.remove(answered);
      if (ar.succeeded()) {
        answered.tryComplete(ar.result());
      } else {
        answered.tryFail(ar.cause());
      }
    });
    return result;
  }

  /** Fails the requests to every node not in {@code members} that are not answered within the grace. */
  void retain(Set<String> members) {
    for (String node : List.copyOf(byNode.keySet())) {
      if (!members.contains(node)) {
        Set<Promise<?>> pending = byNode.remove(node);
        if (pending != null) {
          vertx.setTimer(graceMillis, t -> pending.forEach(p -> p.tryFail(ErrorCode.UNAVAILABLE.error("node " + node
              + " left the cluster before it answered; the operation may have been carried out"))));
        }
      }
    }
  }

  /** How many requests to {@code node} await their answer. */
  int pending(String node) {
    return byNode.getOrDefault(node, Set.of()).size();
  }
}
