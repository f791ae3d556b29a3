package io.junctionmq.transport.eventbus;

import io.junctionmq.broker.Broker;
import io.junctionmq.cluster.Protocol;
import io.junctionmq.cluster.Wire;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.security.Identity;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The event-bus transport: serves the sessions of {@code JunctionClient}s at
 * {@link Protocol#clients(String)} on its own event loop, each a thin translation onto the
 * {@link Broker} (as a STOMP session is). A session the client has not heard from for three
 * heartbeats is closed, so a client that died or left gives its unacked messages back.
 */
public final class ClientEndpoint extends VerticleBase {
  private static final long SWEEP_MS = 500;

  private final Broker broker;
  private final Map<String, ClientSession> sessions = new HashMap<>();
  private MessageConsumer<Buffer> registration;
  private long sweeper;

  public ClientEndpoint(Broker broker) {
    this.broker = broker;
  }

  @Override
  public Future<?> start() {
    sweeper = vertx.setPeriodic(SWEEP_MS, id -> sweep());
    registration = vertx.eventBus().consumer(Protocol.clients(broker.nodeId()), this::handle);
    return registration.completion();
  }

  /** Closes every session (their consumers end, unacked messages go back), then stops listening. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweeper);
    var closing = new ArrayList<Future<Void>>();
    sessions.values().forEach(s -> {
      closing.add(s.closeAndTell("the node is stopping"));
    });
    sessions.clear();
    return Future.join(closing).eventually(() -> registration.unregister());
  }

  private void handle(Message<Buffer> request) {
    try {
      var r = new Wire.Reader(request.body());
      byte op = r.i8();
      String id = r.str();
      if (op == ClientProtocol.OPEN) {
        String clientId = r.str();
        long heartbeatMs = r.i64();
        String login = r.bool() ? r.str() : null;
        String password = login == null ? null : r.str();
        open(id, clientId, heartbeatMs, login, password).onComplete(ar -> {
          if (ar.succeeded()) {
            request.reply(null);
          } else {
            ClientProtocol.fail(request, ar.cause(), "event-bus client " + clientId + " opening session " + id);
          }
        });
        return;
      }
      ClientSession session = sessions.get(id);
      if (session == null) {
        if (op != ClientProtocol.CREDIT && op != ClientProtocol.CLOSE) {
          ClientProtocol.failSessionUnknown(request, "node " + broker.nodeId() + " has no session " + id);
        } else {
          request.reply(null);
        }
        return;
      }
      session.touch();
      if (op == ClientProtocol.CLOSE) {
        sessions.remove(id);
        session.close("the client closed the session").onComplete(ar -> request.reply(null));
        return;
      }
      session.handle(op, r).onComplete(ar -> {
        if (ar.succeeded()) {
          request.reply(ar.result());
        } else {
          ClientProtocol.fail(request, ar.cause(), where(session, op));
        }
      });
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      Protocol.fail(request, ErrorCode.PROTOCOL_ERROR, "malformed client request: " + e.getMessage());
    } catch (RuntimeException e) {
      ClientProtocol.fail(request, e, "event-bus client request to " + request.address());
    }
  }

  private static String where(ClientSession session, byte op) {
    return "event-bus client " + session.clientId() + " (session " + session.id() + ", op " + op + ")";
  }

  /**
   * Opens a session for a client that logs in with {@code login} (or, without one, as the
   * anonymous user: a cluster member, inside the cluster's trust, counts as local). An OPEN
   * retried after its answer was lost finds the session there.
   */
  private Future<Void> open(String id, String clientId, long heartbeatMs, String login, String password) {
    if (sessions.containsKey(id)) {
      return Future.succeededFuture();
    }
    Future<Identity> user = login == null ? broker.anonymous(null, "eventbus")
        : broker.login(login, password, null, "eventbus");
    return user.map(u -> {
      if (!sessions.containsKey(id)) {
        sessions.put(id, new ClientSession(broker.as(u), vertx.eventBus(), id, clientId, heartbeatMs));
      }
      return null;
    });
  }

  private void sweep() {
    long now = System.nanoTime();
    var expired = sessions.values().stream().filter(s -> s.expired(now)).toList();
    for (ClientSession s : expired) {
      sessions.remove(s.id());
      s.closeAndTell("no heartbeat from the client");
    }
  }
}
