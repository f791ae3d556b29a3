package io.junctionmq.bench;

import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompDecoder;
import io.junctionmq.transport.stomp.StompEncoder;
import io.junctionmq.transport.stomp.StompFrame;
import io.junctionmq.transport.stomp.StompProtocolException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small STOMP 1.2 broker over WebSocket at {@code /ws}, enough to drive the bench's STOMP
 * client against: CONNECT (refused when the passcode is {@link #WRONG_PASSCODE}), SEND with
 * RECEIPT to {@code /queue/}, {@code /amq/queue/} and {@code /exchange/amq.fanout}, SUBSCRIBE
 * (declaring {@code /queue/NAME}, binding {@code x-queue-name} to {@code amq.fanout}) with
 * {@code prefetch-count} and ack {@code auto} or {@code client-individual}, ACK, UNSUBSCRIBE,
 * DISCONNECT. It records what it was sent so that tests can check the frames. All of it runs
 * on the one context of its verticle.
 */
final class FakeStompBroker extends VerticleBase {
  static final String WRONG_PASSCODE = "wrong";

  /** Frames received, by command; and the highest unacked count any subscription reached. */
  final Map<StompCommand, AtomicLong> received = new ConcurrentHashMap<>();
  final List<StompFrame> connects = new CopyOnWriteArrayList<>();
  final List<StompFrame> sendSamples = new CopyOnWriteArrayList<>();
  final List<StompFrame> subscribes = new CopyOnWriteArrayList<>();
  final AtomicInteger maxUnacked = new AtomicInteger();

  private final Map<String, Queue> queues = new HashMap<>();
  private final List<Queue> fanout = new ArrayList<>();
  private HttpServer server;
  private long nextAckId;

  private static final class Queue {
    final boolean durable;
    final ArrayDeque<byte[]> messages = new ArrayDeque<>();
    final List<Subscription> subscriptions = new ArrayList<>();
    int next;

    Queue(boolean durable) {
      this.durable = durable;
    }
  }

  private static final class Subscription {
    final Session session;
    final String id;
    final Queue queue;
    final boolean auto;
    final int prefetch;
    final Map<String, byte[]> unacked = new LinkedHashMap<>();

    Subscription(Session session, String id, Queue queue, boolean auto, int prefetch) {
      this.session = session;
      this.id = id;
      this.queue = queue;
      this.auto = auto;
      this.prefetch = prefetch;
    }

    boolean hasCredit() {
      return auto || unacked.size() < prefetch;
    }
  }

  private final class Session {
    final ServerWebSocket socket;
    final StompDecoder decoder = new StompDecoder(1 << 20, 64 * 1024);
    final Map<String, Subscription> subscriptions = new HashMap<>();

    Session(ServerWebSocket socket) {
      this.socket = socket;
    }

    void write(StompFrame frame) {
      socket.writeBinaryMessage(Buffer.buffer(StompEncoder.encode(frame)));
    }

    void error(String message) {
      write(StompFrame.builder(StompCommand.ERROR).header("message", message).build());
      socket.close();
    }
  }

  /** Deploys a broker on {@code vertx} on a port the OS picks; blocks until it listens. */
  static FakeStompBroker start(Vertx vertx) throws Exception {
    var broker = new FakeStompBroker();
    vertx.deployVerticle(broker).await(10, TimeUnit.SECONDS);
    return broker;
  }

  String url() {
    return "ws://127.0.0.1:" + server.actualPort() + "/ws";
  }

  long count(StompCommand command) {
    AtomicLong n = received.get(command);
    return n == null ? 0 : n.get();
  }

  @Override
  public Future<?> start() {
    var options = new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setWebSocketSubProtocols(List.of("v12.stomp"));
    server = vertx.createHttpServer(options).webSocketHandler(socket -> {
      if (!socket.path().equals("/ws")) {
        socket.close((short) 1008, "no such path");
        return;
      }
      var session = new Session(socket);
      socket.handler(data -> {
        try {
          session.decoder.feed(data.getBytes(), frame -> handle(session, frame));
        } catch (StompProtocolException e) {
          session.error(e.getMessage());
        }
      });
      socket.closeHandler(v -> closed(session));
    });
    return server.listen();
  }

  private void handle(Session session, StompFrame frame) {
    received.computeIfAbsent(frame.command(), c -> new AtomicLong()).incrementAndGet();
    switch (frame.command()) {
      case CONNECT, STOMP -> connect(session, frame);
      case SEND -> send(session, frame);
      case SUBSCRIBE -> subscribe(session, frame);
      case UNSUBSCRIBE -> unsubscribe(session, frame);
      case ACK -> ack(session, frame);
      case DISCONNECT -> {
        receipt(session, frame);
        session.socket.close();
      }
      default -> session.error("unsupported command " + frame.command());
    }
  }

  private void connect(Session session, StompFrame frame) {
    connects.add(frame);
    if (WRONG_PASSCODE.equals(frame.header("passcode"))) {
      session.error("Access refused for user '" + frame.header("login") + "'");
      return;
    }
    session.write(StompFrame.builder(StompCommand.CONNECTED).header("version", "1.2")
        .header("server", "FakeStompBroker/1").header("heart-beat", "0,0").build());
  }

  private void send(Session session, StompFrame frame) {
    if (sendSamples.size() < 10) {
      sendSamples.add(frame);
    }
    String destination = frame.header("destination", "");
    List<Queue> targets;
    if (destination.equals("/exchange/amq.fanout")) {
      targets = fanout;
    } else {
      Queue q = queues.get(queueName(destination));
      if (q == null) {
        session.error("no queue for destination " + destination);
        return;
      }
      targets = List.of(q);
    }
    for (Queue q : targets) {
      q.messages.add(frame.body());
      pump(q);
    }
    receipt(session, frame);
  }

  private void subscribe(Session session, StompFrame frame) {
    subscribes.add(frame);
    String destination = frame.header("destination", "");
    boolean durable = !"false".equals(frame.header("durable"));
    Queue queue;
    if (destination.equals("/exchange/amq.fanout")) {
      queue = declare(frame.header("x-queue-name"), durable);
      if (!fanout.contains(queue)) {
        fanout.add(queue);
      }
    } else if (destination.startsWith("/queue/")) {
      queue = declare(queueName(destination), durable);
    } else {
      queue = queues.get(queueName(destination));
    }
    if (queue == null) {
      session.error("no queue for destination " + destination);
      return;
    }
    var s = new Subscription(session, frame.header("id"), queue, "auto".equals(frame.header("ack", "auto")),
        Integer.parseInt(frame.header("prefetch-count", "1000")));
    session.subscriptions.put(s.id, s);
    queue.subscriptions.add(s);
    receipt(session, frame);
    pump(queue);
  }

  private Queue declare(String name, boolean durable) {
    Queue q = queues.computeIfAbsent(name, n -> new Queue(durable));
    return q.durable == durable ? q : null;
  }

  private void unsubscribe(Session session, StompFrame frame) {
    Subscription s = session.subscriptions.remove(frame.header("id", ""));
    if (s == null) {
      session.error("no subscription " + frame.header("id"));
      return;
    }
    cancel(s);
    receipt(session, frame);
  }

  private void ack(Session session, StompFrame frame) {
    String id = frame.header("id", "");
    for (Subscription s : session.subscriptions.values()) {
      if (s.unacked.remove(id) != null) {
        pump(s.queue);
        return;
      }
    }
    session.error("no message to ack with id " + id);
  }

  private void closed(Session session) {
    for (Subscription s : session.subscriptions.values()) {
      cancel(s);
    }
    session.subscriptions.clear();
  }

  /** Unacked messages go back to the head of their queue. */
  private void cancel(Subscription s) {
    s.queue.subscriptions.remove(s);
    var returned = new ArrayList<>(s.unacked.values());
    for (int i = returned.size() - 1; i >= 0; i--) {
      s.queue.messages.addFirst(returned.get(i));
    }
    s.unacked.clear();
    pump(s.queue);
  }

  /** Delivers round-robin to subscriptions with credit while the queue has messages. */
  private void pump(Queue q) {
    while (!q.messages.isEmpty()) {
      Subscription s = nextWithCredit(q);
      if (s == null) {
        return;
      }
      byte[] body = q.messages.poll();
      String messageId = Long.toString(nextAckId++);
      var message = StompFrame.builder(StompCommand.MESSAGE)
          .header("subscription", s.id)
          .header("message-id", messageId)
          .header("destination", "/queue/x")
          .header("content-length", body.length);
      if (!s.auto) {
        message.header("ack", messageId);
        s.unacked.put(messageId, body);
        maxUnacked.accumulateAndGet(s.unacked.size(), Math::max);
      }
      s.session.write(message.body(body).build());
    }
  }

  private Subscription nextWithCredit(Queue q) {
    int n = q.subscriptions.size();
    for (int i = 0; i < n; i++) {
      Subscription s = q.subscriptions.get((q.next + i) % n);
      if (s.hasCredit()) {
        q.next = (q.next + i + 1) % n;
        return s;
      }
    }
    return null;
  }

  private static void receipt(Session session, StompFrame frame) {
    String receipt = frame.header("receipt");
    if (receipt != null) {
      session.write(StompFrame.builder(StompCommand.RECEIPT).header("receipt-id", receipt).build());
    }
  }

  private static String queueName(String destination) {
    int slash = destination.lastIndexOf('/');
    return destination.substring(slash + 1);
  }
}
