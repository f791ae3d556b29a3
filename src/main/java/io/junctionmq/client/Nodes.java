package io.junctionmq.client;

import io.junctionmq.client.JunctionClient.Session;
import io.junctionmq.cluster.Membership;
import io.junctionmq.cluster.Protocol;
import io.junctionmq.cluster.Wire;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.transport.eventbus.ClientProtocol;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which broker node a {@link JunctionClient} uses, and its session there: opens one on a live
 * node (preferred ones first), keeps it alive with heartbeats, and when the node leaves the
 * cluster, stops answering or no longer knows the session, fails what was in flight on it and
 * opens another, making the client's subscriptions again. Runs on the client's context.
 */
final class Nodes {
  private static final Logger log = LoggerFactory.getLogger(Nodes.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 2000;

  private final JunctionClient client;
  private final Vertx vertx;
  private final ClientOptions options;
  private Membership membership;
  private volatile Session current;
  private Promise<Session> opening;
  private int sessions;
  private boolean pinging;
  private boolean closed;

  /** A request the node certainly did not carry out: it may be sent again, elsewhere. */
  private static final class Undelivered extends RuntimeException {
    final JunctionException error;

    Undelivered(JunctionException error) {
      super(error.getMessage(), null, false, false);
      this.error = error;
    }
  }

  Nodes(JunctionClient client, Vertx vertx, ClientOptions options) {
    this.client = client;
    this.vertx = vertx;
    this.options = options;
  }

  void membership(Membership membership) {
    this.membership = membership;
  }

  Session current() {
    return current;
  }

  /** The current session, or the next one once it is open (never failing while the client is open). */
  Future<Session> session() {
    return session(Set.of());
  }

  private Future<Session> session(Set<String> avoid) {
    if (current != null) {
      return Future.succeededFuture(current);
    }
    if (closed) {
      return Future.failedFuture(ErrorCode.UNAVAILABLE.error("the client is closed"));
    }
    if (opening == null) {
      opening = Promise.promise();
      open(avoid, 0);
    }
    return opening.future();
  }

  /**
   * Sends a request on the current session within the request timeout; a request the node did
   * not receive (it is gone, or lost the session) is sent once more on the next session.
   */
  Future<Buffer> request(byte op, Function<Wire, Wire> fields) {
    long deadline = System.nanoTime() + options.requestTimeout().toNanos();
    return request(op, fields, deadline, 2);
  }

  private Future<Buffer> request(byte op, Function<Wire, Wire> fields, long deadline, int tries) {
    return bounded(session(), "reach a broker node", remainingMs(deadline))
        .compose(s -> trySend(s, op, fields, remainingMs(deadline)))
        .recover(e -> {
          if (e instanceof Undelivered u) {
            return tries > 1 && remainingMs(deadline) > 1 ? request(op, fields, deadline, tries - 1)
                : Future.failedFuture(u.error);
          }
          return Future.failedFuture(e);
        });
  }

  /** Sends a request on session {@code s} only (acks name that session's delivery tags). */
  Future<Buffer> send(Session s, byte op, Function<Wire, Wire> fields) {
    return trySend(s, op, fields, options.requestTimeout().toMillis())
        .recover(e -> Future.failedFuture(e instanceof Undelivered u ? u.error : e));
  }

  private Future<Buffer> trySend(Session s, byte op, Function<Wire, Wire> fields, long timeoutMs) {
    if (s.lost) {
      return Future.failedFuture(new Undelivered(ErrorCode.UNAVAILABLE.error("the session on broker node " + s.node
          + " is closed; nothing was done")));
    }
    Promise<Buffer> result = Promise.promise();
    s.pending.add(result);
    Buffer body = fields.apply(ClientProtocol.request(op, s.id)).buffer();
    vertx.eventBus().<Buffer>request(Protocol.clients(s.node), body, new DeliveryOptions().setSendTimeout(timeoutMs))
        .onComplete(ar -> {
          s.pending.remove(result);
          if (ar.succeeded()) {
            result.tryComplete(ar.result().body());
          } else {
            result.tryFail(failure(s, ar.cause()));
          }
        });
    return result.future();
  }

  /** The client-facing error for a failed request on {@code s}; the session is lost if the node no longer serves it. */
  private Throwable failure(Session s, Throwable e) {
    if (ClientProtocol.sessionUnknown(e)) {
      lost(s, "no longer has the session");
      return new Undelivered(ErrorCode.UNAVAILABLE.error("broker node " + s.node + " no longer has this client's"
          + " session; nothing was done"));
    }
    if (e instanceof ReplyException r) {
      if (r.failureType() == ReplyFailure.NO_HANDLERS) {
        lost(s, "is not reachable");
        return new Undelivered(ErrorCode.UNAVAILABLE.error("broker node " + s.node + " is not reachable; nothing"
            + " was done"));
      }
      if (r.failureType() == ReplyFailure.TIMEOUT) {
        return ErrorCode.UNAVAILABLE.error("no answer from broker node " + s.node + " in time; the request may have"
            + " been carried out");
      }
    }
    return Protocol.error(e, s.node);
  }

  /** Fails {@code future} UNAVAILABLE unless it completes within {@code timeoutMs}. */
  <T> Future<T> bounded(Future<T> future, String what) {
    return bounded(future, what, options.requestTimeout().toMillis());
  }

  private <T> Future<T> bounded(Future<T> future, String what, long timeoutMs) {
    return future.timeout(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS).recover(e -> Future.failedFuture(
        e instanceof JunctionException ? e : ErrorCode.UNAVAILABLE.error("could not " + what + " within "
            + options.requestTimeout().toMillis() + " ms: no broker node answered")));
  }

  private static long remainingMs(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  // ---- sessions ----

  private void open(Set<String> avoid, int failures) {
    if (closed) {
      return;
    }
    String node = pick(avoid);
    if (node == null) {
      retry(Set.of(), failures);
      return;
    }
    var s = new Session(node, client.id() + "/" + ++sessions);
    Buffer body = ClientProtocol.open(s.id, client.id(), options.heartbeat().toMillis(), options.login(),
        options.password()).buffer();
    vertx.eventBus().request(Protocol.clients(node), body,
        new DeliveryOptions().setSendTimeout(options.requestTimeout().toMillis())).onComplete(ar -> {
          if (closed) {
            goodbye(s);
          } else if (ar.succeeded()) {
            opened(s);
          } else if (refusedLogin(ar.cause())) {
            // Every node checks the same users: trying another would only be refused again.
            Promise<Session> waiting = opening;
            opening = null;
            waiting.fail(Protocol.error(ar.cause(), node));
          } else {
            log.debug("client {}: cannot open a session on node {}: {}", client.id(), node, ar.cause().toString());
            retry(Set.of(node), failures + 1);
          }
        });
  }

  private static boolean refusedLogin(Throwable failure) {
    return failure instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && r.failureCode() == Protocol.JUNCTION_ERROR && Protocol.decode(r.getMessage()).code() == ErrorCode.ACCESS_REFUSED;
  }

  private void retry(Set<String> avoid, int failures) {
    long delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(failures, 5));
    vertx.setTimer(delay, t -> open(avoid, failures));
  }

  private void opened(Session s) {
    log.info("client {}: using broker node {}", client.id(), s.node);
    current = s;
    Promise<Session> waiting = opening;
    opening = null;
    waiting.complete(s);
    for (ClientConsumer c : client.consumers()) {
      if (c.session() != null && c.session() != s) {
        resubscribe(s, c, 0);
      }
    }
  }

  /** Makes the subscription of {@code c} again on {@code s}, retrying while the queue is moving. */
  private void resubscribe(Session s, ClientConsumer c, int failures) {
    if (c.ended() || s != current) {
      return;
    }
    client.subscribe(s, c).onFailure(e -> {
      if (c.ended() || s != current || s.lost) {
        return;
      }
      JunctionException error = e instanceof JunctionException j ? j : ErrorCode.UNAVAILABLE.error(e.getMessage());
      if (error.code().retriable()) {
        long delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(failures, 5));
        vertx.setTimer(delay, t -> resubscribe(s, c, failures + 1));
      } else {
        log.warn("client {}: consumer {} on queue {} cannot be made again on node {}: {}", client.id(), c.tag(),
            c.queue(), s.node, error.toString());
        client.ended(c, error.reason());
      }
    });
  }

  private String pick(Set<String> avoid) {
    if (membership == null) {
      return null;
    }
    Set<String> members = membership.members();
    for (String preferred : options.preferredNodes()) {
      if (members.contains(preferred) && !avoid.contains(preferred)) {
        return preferred;
      }
    }
    List<String> candidates = new ArrayList<>(members);
    candidates.removeAll(avoid);
    if (candidates.isEmpty()) {
      candidates.addAll(members);
    }
    return candidates.isEmpty() ? null : candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
  }

  /**
   * Session {@code s} is over: what was in flight on it fails (it may have been carried out),
   * the node is told to close it if it is still there, and the next session is opened.
   */
  void lost(Session s, String why) {
    if (s.lost) {
      return;
    }
    s.lost = true;
    if (current == s) {
      current = null;
    }
    var error = ErrorCode.UNAVAILABLE.error("broker node " + s.node + " " + why + "; the request may have been"
        + " carried out");
    for (Promise<Buffer> p : new ArrayList<>(s.pending)) {
      p.tryFail(error);
    }
    s.pending.clear();
    goodbye(s);
    if (!closed) {
      log.info("client {}: broker node {} {}; moving to another node", client.id(), s.node, why);
      session(Set.of(s.node));
    }
  }

  /** Tells a node, without waiting, to close a session this client no longer uses (if the node is still there). */
  private void goodbye(Session s) {
    if (membership == null || !membership.members().contains(s.node)) {
      return;
    }
    vertx.eventBus().send(Protocol.clients(s.node), ClientProtocol.request(ClientProtocol.CLOSE, s.id).buffer());
  }

  void membersChanged(Set<String> members) {
    Session s = current;
    if (s != null && !members.contains(s.node)) {
      lost(s, "left the cluster");
    }
  }

  /** A heartbeat: a session whose node does not answer within three heartbeats is lost. */
  void heartbeat() {
    Session s = current;
    if (s == null || pinging || closed) {
      return;
    }
    pinging = true;
    trySend(s, ClientProtocol.PING, w -> w, 3 * options.heartbeat().toMillis()).onComplete(ar -> {
      pinging = false;
      if (ar.failed() && !(ar.cause() instanceof Undelivered)) {
        lost(s, "does not answer heartbeats");
      }
    });
  }

  /**
   * Closes the session once the requests in flight on it are answered (the node then cancels
   * its consumers and deletes its exclusive queues), and stops.
   */
  Future<Void> close() {
    closed = true;
    if (opening != null) {
      opening.tryFail(ErrorCode.UNAVAILABLE.error("the client is closed"));
      opening = null;
    }
    Session s = current;
    current = null;
    if (s == null) {
      return Future.succeededFuture();
    }
    // Requests in flight are answered first: an ack still on its way through the broker when
    // the session closes would find its message already sent back to the queue.
    List<Future<Buffer>> inFlight = s.pending.stream().map(Promise::future).toList();
    return Future.join(inFlight).otherwiseEmpty()
        .compose(v -> trySend(s, ClientProtocol.CLOSE, w -> w, options.requestTimeout().toMillis()))
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture())
        .onComplete(ar -> {
          s.lost = true;
          for (Promise<Buffer> p : new ArrayList<>(s.pending)) {
            p.tryFail(ErrorCode.UNAVAILABLE.error("the client is closed"));
          }
        });
  }
}
