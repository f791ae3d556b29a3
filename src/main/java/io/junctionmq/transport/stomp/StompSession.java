package io.junctionmq.transport.stomp;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.ClientInfo;
import io.junctionmq.broker.Connection;
import io.junctionmq.broker.PublishResult;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.security.Identity;
import io.junctionmq.security.TokenVerifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol logic of one STOMP connection, the same over WebSocket and TCP. It runs on the
 * socket's context. Frames are handled in order; a SEND does not wait for the previous one to
 * be stored, but receipts and errors go out in the order of their frames. A frame whose
 * handling needs the broker first (SUBSCRIBE, a first SEND to a {@code /queue}, COMMIT...)
 * holds the frames after it, and reading stops while any are held or while
 * {@code publish.max-in-flight} SENDs are unconfirmed (until half of them are).
 */
final class StompSession implements Subscriptions.Sink {
  private static final Logger log = LoggerFactory.getLogger(StompSession.class);

  private final Vertx vertx;
  private final Broker broker;
  private final StompSettings settings;
  private final StompStats stats;
  private final StompTransport transport;
  private final StompDecoder decoder;
  private final ArrayDeque<StompFrame> held = new ArrayDeque<>();
  private final ArrayDeque<Reply> replies = new ArrayDeque<>();
  private final Transactions transactions = new Transactions();
  private Connection connection;
  private Subscriptions subscriptions;
  private Publisher publisher;
  private String vhost;
  private boolean busy;
  private boolean flowStopped;
  private boolean readingPaused;
  private boolean draining;
  private boolean autoPaused;
  private boolean disconnecting;
  private boolean closed;
  private int inFlight;
  private long lastRead = System.nanoTime();
  private long lastWrite = System.nanoTime();
  private final List<Long> timers = new ArrayList<>(2);

  /** A frame's outcome, answered (RECEIPT or ERROR) in frame order. */
  private record Reply(Future<?> done, String receipt, Runnable after) {
  }

  StompSession(Vertx vertx, Broker broker, StompSettings settings, StompStats stats, StompTransport transport) {
    this.vertx = vertx;
    this.broker = broker;
    this.settings = settings;
    this.stats = stats;
    this.transport = transport;
    this.decoder = new StompDecoder(settings.maxFrame(), settings.maxHeaders());
    stats.opened(transport instanceof WebSocketTransport);
    transport.drainHandler(this::drained);
  }

  // ---- from the transport ----

  void received(Buffer data) {
    lastRead = System.nanoTime();
    if (closed || disconnecting) {
      return;
    }
    try {
      decoder.feed(data.getBytes(), this::onFrame);
    } catch (StompProtocolException e) {
      fail(e, null);
    }
  }

  /** The socket closed (or failed): the connection ends, unacked messages go back to their queues. */
  void transportClosed() {
    close("the socket closed");
  }

  // ---- frames ----

  private void onFrame(StompFrame frame) {
    if (closed || disconnecting) {
      return;
    }
    if (blocked() || !held.isEmpty()) {
      held.add(frame);
      updateReading();
      return;
    }
    handle(frame);
  }

  private boolean blocked() {
    return busy || flowStopped;
  }

  private void handle(StompFrame f) {
    try {
      dispatch(f);
    } catch (JunctionException e) {
      track(Future.failedFuture(e), f.header("receipt"), null);
    }
  }

  private void dispatch(StompFrame f) {
    String receipt = f.header("receipt");
    if (connection == null) {
      if (f.command() != StompCommand.CONNECT && f.command() != StompCommand.STOMP) {
        throw StompErrors.protocol("expected CONNECT or STOMP as the first frame, got " + f.command());
      }
      connect(f);
      return;
    }
    switch (f.command()) {
      case SEND -> onSend(f);
      case SUBSCRIBE -> control(subscriptions.subscribe(f), receipt);
      case UNSUBSCRIBE -> control(subscriptions.unsubscribe(f), receipt);
      case ACK, NACK -> {
        if (transactions.hold(f)) {
          track(Future.succeededFuture(), receipt, null);
        } else {
          track(subscriptions.settle(f, f.command() == StompCommand.ACK), receipt, null);
        }
      }
      case BEGIN -> {
        transactions.begin(f);
        track(Future.succeededFuture(), receipt, null);
      }
      case COMMIT -> control(transactions.commit(f, publisher, subscriptions), receipt);
      case ABORT -> {
        transactions.abort(f);
        track(Future.succeededFuture(), receipt, null);
      }
      case DISCONNECT -> {
        disconnecting = true;
        transactions.clear();
        held.clear();
        track(Future.succeededFuture(), receipt, () -> close("the client disconnected"));
      }
      case CONNECT, STOMP -> throw StompErrors.protocol("already connected");
      default -> throw StompErrors.protocol(f.command() + " is a server frame; a client may not send it");
    }
  }

  /**
   * Logs the client in and opens its connection in the vhost its {@code host} names; the frames
   * after CONNECT wait meanwhile. Who the client is: the user of a token given as {@code
   * passcode} (RabbitMQ's convention: {@code login} may be anything), else {@code
   * login}/{@code passcode}, else the user the WebSocket handshake logged in, else the anonymous
   * user. A refused login is an ERROR frame, and the session closes.
   */
  private void connect(StompFrame f) {
    String version = version(f.header("accept-version"));
    HeartBeat hb = HeartBeat.negotiate(f.header("heart-beat"), settings.heartBeatMillis());
    decoder.escaping(!version.equals("1.0"));
    String login = f.header("login");
    String passcode = f.header("passcode");
    String remote = transport.remoteHost();
    Future<Identity> user;
    if (TokenVerifier.looksLikeToken(passcode)) {
      user = broker.loginWithToken(passcode, remote, "stomp");
    } else if (login != null) {
      user = broker.login(login, passcode, remote, "stomp");
    } else if (transport.handshakeUser() != null) {
      user = Future.succeededFuture(transport.handshakeUser());
    } else {
      user = broker.anonymous(remote, "stomp");
    }
    control(user.map(u -> {
      connected(f, version, hb, u);
      return null;
    }), null);
  }

  private void connected(StompFrame f, String version, HeartBeat hb, Identity user) {
    if (closed) {
      // The client went while its login was checked: a connection opened now would never close.
      return;
    }
    String host = f.header("host");
    // A host that names no vhost (often the server's DNS name) means the default vhost.
    vhost = host != null && broker.vhosts().contains(host) ? host : "/";
    Broker userBroker = broker.as(user);
    connection = userBroker.connect(ClientInfo.of("stomp", user.name() + "@" + transport.describe(),
        transport.remote()).with("version", version).with("transport", transport.kind()).vhost(vhost));
    connection.closedHandler(reason -> fail(ErrorCode.ACCESS_REFUSED.error(reason), null));
    subscriptions = new Subscriptions(userBroker, connection, vhost, this);
    publisher = new Publisher(connection, subscriptions, vhost);
    write(StompFrame.builder(StompCommand.CONNECTED)
        .header("version", version)
        .header("server", settings.server())
        .header("heart-beat", hb == HeartBeat.NONE && settings.heartBeatMillis() <= 0 ? "0,0"
            : HeartBeat.offer(settings.heartBeatMillis()))
        .header("session", connection.id())
        .build());
    startHeartBeats(hb);
    user.expiresAt().ifPresent(this::closeAt);
  }

  /** A token's user is logged out when the token expires: RabbitMQ closes the connection too. */
  private void closeAt(Instant expiry) {
    long in = Math.max(1, Duration.between(Instant.now(), expiry).toMillis());
    timers.add(vertx.setTimer(in, t -> fail(ErrorCode.ACCESS_REFUSED.error("token expired"), null)));
  }

  static String version(String accept) {
    if (accept == null) {
      return "1.0";
    }
    var offered = List.of(accept.split(",")).stream().map(String::trim).toList();
    for (String v : List.of("1.2", "1.1", "1.0")) {
      if (offered.contains(v)) {
        return v;
      }
    }
    throw StompErrors.protocol("no common protocol version: the client accepts " + StompDecoder.printable(accept)
        + ", the server supports 1.0,1.1,1.2");
  }

  // ---- SEND ----

  private void onSend(StompFrame f) {
    StompDestination d = StompDestination.parse(f.header("destination"));
    if (transactions.hold(f, d)) {
      track(Future.succeededFuture(), f.header("receipt"), null);
      return;
    }
    Publisher.Send send = publisher.send(f, d);
    Future<?> declaring = send.declaring();
    if (declaring == null) {
      publish(send);
      return;
    }
    busy = true;
    updateReading();
    declaring.onComplete(ar -> {
      busy = false;
      publish(send);
      drainHeld();
    });
  }

  private void publish(Publisher.Send send) {
    String receipt = send.frame().header("receipt");
    Publisher.Publication p = publisher.build(send);
    if (p.failure() != null) {
      track(Future.failedFuture(p.failure()), receipt, null);
      return;
    }
    Future<PublishResult> stored = publisher.publish(p);
    inFlight++;
    stats.inFlight(inFlight);
    if (inFlight >= settings.maxInFlight() && !flowStopped) {
      flowStopped = true;
      stats.readPaused();
      updateReading();
    }
    stored.onComplete(ar -> {
      inFlight--;
      if (flowStopped && inFlight <= settings.maxInFlight() / 2) {
        flowStopped = false;
        drainHeld();
      }
    });
    track(stored, receipt, null);
  }

  // ---- replies, flow ----

  /** Holds the next frames until {@code step} completes; answers it in order. */
  private void control(Future<Void> step, String receipt) {
    track(step, receipt, null);
    if (!step.isComplete()) {
      busy = true;
      updateReading();
      step.onComplete(ar -> {
        busy = false;
        drainHeld();
      });
    }
  }

  private void track(Future<?> done, String receipt, Runnable after) {
    replies.add(new Reply(done, receipt, after));
    if (done.isComplete()) {
      answer();
    } else {
      done.onComplete(ar -> answer());
    }
  }

  /** Answers the frames at the head whose outcome is known; the first failure ends the session. */
  private void answer() {
    while (!closed && !replies.isEmpty() && replies.peek().done().isComplete()) {
      Reply r = replies.poll();
      if (r.done().failed()) {
        fail(r.done().cause(), r.receipt());
        return;
      }
      if (r.receipt() != null) {
        write(StompFrame.builder(StompCommand.RECEIPT).header("receipt-id", r.receipt()).build());
      }
      if (r.after() != null) {
        r.after().run();
      }
    }
  }

  private void drainHeld() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      while (!closed && !blocked() && !held.isEmpty()) {
        handle(held.poll());
      }
    } finally {
      draining = false;
    }
    updateReading();
  }

  private void updateReading() {
    if (closed) {
      return;
    }
    boolean pause = blocked() || !held.isEmpty();
    if (pause != readingPaused) {
      readingPaused = pause;
      if (pause) {
        transport.pause();
      } else {
        lastRead = System.nanoTime();
        transport.resume();
      }
    }
  }

  // ---- writing, consumer flow ----

  private void write(StompFrame frame) {
    transport.write(Buffer.buffer(StompEncoder.encode(frame)));
    lastWrite = System.nanoTime();
  }

  @Override
  public void send(StompFrame frame) {
    if (!closed) {
      write(frame);
    }
  }

  @Override
  public void autoDelivered() {
    if (!autoPaused && !closed && transport.writeQueueFull()) {
      autoPaused = true;
      stats.deliveryPaused();
      subscriptions.pauseAuto(true);
    }
  }

  private void drained() {
    if (autoPaused && !closed) {
      autoPaused = false;
      subscriptions.pauseAuto(false);
    }
  }

  @Override
  public void cancelledByBroker(String subscription, String reason) {
    fail(ErrorCode.NOT_FOUND.error("subscription '" + StompDecoder.printable(subscription)
        + "' was cancelled by the broker: " + reason), null);
  }

  // ---- heart-beats ----

  private void startHeartBeats(HeartBeat hb) {
    if (hb.sendMillis() > 0) {
      long every = Math.max(1, hb.sendMillis() / 2);
      timers.add(vertx.setPeriodic(every, t -> {
        if (!closed && System.nanoTime() - lastWrite >= every * 1_000_000) {
          transport.write(Buffer.buffer(StompEncoder.HEART_BEAT));
          lastWrite = System.nanoTime();
        }
      }));
    }
    if (hb.expectMillis() > 0) {
      long limit = 2 * hb.expectMillis() * 1_000_000;
      timers.add(vertx.setPeriodic(Math.max(1, hb.expectMillis() / 2), t -> {
        if (!closed && !readingPaused && System.nanoTime() - lastRead > limit) {
          close("no heart-beat from the client for " + 2 * hb.expectMillis() + " ms");
        }
      }));
    }
  }

  // ---- the end ----

  private void fail(Throwable failure, String receipt) {
    if (closed) {
      return;
    }
    StompFrame error = StompErrors.frame(failure, receipt, transport.describe());
    log.debug("STOMP {}: {}", transport.describe(), error.header("message"));
    write(error);
    close("error: " + error.header("message"));
  }

  private void close(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    timers.forEach(vertx::cancelTimer);
    held.clear();
    stats.closed(transport instanceof WebSocketTransport);
    if (connection != null) {
      connection.close(reason).onFailure(e -> {
        // An auto-delete queue may go with its last consumer while the connection deletes its
        // exclusive queues: that NOT_FOUND is expected.
        if (!(e instanceof JunctionException j && j.code() == ErrorCode.NOT_FOUND)) {
          log.warn("STOMP {}: closing the connection failed: {}", transport.describe(), e.getMessage());
        }
      });
    }
    transport.close();
  }
}
