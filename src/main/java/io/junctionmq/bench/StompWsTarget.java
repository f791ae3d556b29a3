package io.junctionmq.bench;

import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A broker reached with STOMP 1.2 over WebSocket (Junction's {@code /ws}, RabbitMQ's
 * Web-STOMP), addressed with the destinations of RabbitMQ's STOMP plugin so that both brokers
 * get the same frames:
 * <ul>
 * <li>a queue is declared by a SUBSCRIBE to {@code /queue/NAME} with {@code durable},
 *     {@code auto-delete:false} and {@code exclusive:false}, then UNSUBSCRIBE; it is then
 *     used as {@code /amq/queue/NAME}, which declares nothing;</li>
 * <li>a fanout is {@code amq.fanout} (STOMP cannot declare exchanges): each queue is bound by a
 *     SUBSCRIBE to {@code /exchange/amq.fanout} with {@code x-queue-name} and the same
 *     attributes, then UNSUBSCRIBE;</li>
 * <li>a publish is a SEND with a {@code receipt} (the confirm), {@code persistent:true} when
 *     persistent; a consumer SUBSCRIBEs with {@code prefetch-count} and {@code ack:auto} or
 *     {@code ack:client-individual}, and acks with ACK and the MESSAGE's {@code ack} id.</li>
 * </ul>
 * Each producer (one per Vert.x context that publishes) and each consumer has its own
 * connection; declarations use one more. STOMP cannot delete a queue: deleting is a no-op,
 * and a run's queues ({@code bench-<runid>-*}) stay on the broker.
 */
final class StompWsTarget implements BenchTarget {
  static final String FANOUT_EXCHANGE = "amq.fanout";
  private static final String VHOST = "/";
  private static final int FRAME_OVERHEAD = 64 * 1024;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final StompEndpoint endpoint;
  private final int maxFrame;
  private final Consumer<String> warnings;
  private final StompClient control;
  private final String server;
  private final Map<Context, Future<StompClient>> producers = new ConcurrentHashMap<>();
  private final Set<StompClient> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextId = new AtomicLong();

  private StompWsTarget(Vertx vertx, WebSocketClient client, StompEndpoint endpoint, int maxFrame,
                        Consumer<String> warnings, StompClient control) {
    this.vertx = vertx;
    this.client = client;
    this.endpoint = endpoint;
    this.maxFrame = maxFrame;
    this.warnings = warnings;
    this.control = control;
    this.server = control.server();
    sessions.add(control);
  }

  /**
   * Connects the declaring session to the broker at {@code options.url()}; completes with the
   * target, or fails when the broker cannot be reached or refuses CONNECT (its message).
   *
   * @param warnings told of ERROR frames that no publish or declaration was waiting for
   */
  static Future<BenchTarget> connect(Vertx vertx, BenchOptions options, Consumer<String> warnings) {
    int maxFrame = options.size() + FRAME_OVERHEAD;
    var endpoint = new StompEndpoint(options.url(), VHOST, options.login(), options.passcode());
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(maxFrame)
        .setMaxMessageSize(maxFrame)
        .setMaxConnections(options.producers() + options.consumerCount() + 1));
    return StompClient.connect(vertx, client, endpoint, maxFrame, warnings)
        .<BenchTarget>map(control -> new StompWsTarget(vertx, client, endpoint, maxFrame, warnings, control))
        .onFailure(e -> client.close());
  }

  @Override
  public String description() {
    return "STOMP 1.2 over WebSocket at " + endpoint.url() + (server == null ? "" : " (" + server + ")")
        + "; STOMP cannot delete queues, so this run's stay on the broker";
  }

  @Override
  public boolean sameJvm() {
    return false;
  }

  @Override
  public String fanoutExchange(String name) {
    return FANOUT_EXCHANGE;
  }

  @Override
  public Future<Void> declareQueue(String name, boolean durable) {
    return declare(queueAttributes(StompFrame.builder(StompCommand.SUBSCRIBE), durable)
        .header("destination", "/queue/" + name));
  }

  @Override
  public Future<Void> declareFanout(String exchange, boolean durable, List<String> queues) {
    var bound = new ArrayList<Future<Void>>();
    for (String q : queues) {
      bound.add(declare(queueAttributes(StompFrame.builder(StompCommand.SUBSCRIBE), durable)
          .header("destination", "/exchange/" + exchange)
          .header("x-queue-name", q)));
    }
    return Future.all(bound).mapEmpty();
  }

  /** SUBSCRIBE then UNSUBSCRIBE: what a STOMP client does to make a queue exist. */
  private Future<Void> declare(StompFrame.Builder subscribe) {
    String id = "declare-" + nextId.getAndIncrement();
    return control.subscribe(id, subscribe.header("ack", "auto"), m -> { })
        .compose(v -> control.unsubscribe(id));
  }

  private static StompFrame.Builder queueAttributes(StompFrame.Builder frame, boolean durable) {
    return frame.header("durable", durable).header("auto-delete", false).header("exclusive", false);
  }

  /** Publishes on the connection of the calling context's producer, opening it the first time. */
  @Override
  public Future<Void> publish(String exchange, String routingKey, byte[] body, boolean persistent) {
    Context context = Vertx.currentContext();
    Future<StompClient> session = context == null
        ? Future.succeededFuture(control)
        : producers.computeIfAbsent(context, c -> open());
    var send = StompFrame.builder(StompCommand.SEND)
        .header("destination", destination(exchange, routingKey))
        .header("persistent", persistent ? "true" : null)
        .header("content-length", body.length)
        .body(body);
    return session.succeeded() ? session.result().request(send) : session.compose(s -> s.request(send));
  }

  private static String destination(String exchange, String routingKey) {
    if (exchange.isEmpty()) {
      return "/amq/queue/" + routingKey;
    }
    return routingKey.isEmpty() ? "/exchange/" + exchange : "/exchange/" + exchange + "/" + routingKey;
  }

  /** Opens the consumer's own connection on the caller's context and subscribes there. */
  @Override
  public Future<Subscription> consume(String queue, int prefetch, boolean autoAck, DeliveryHandler handler) {
    return open().compose(session -> {
      String id = "sub-" + nextId.getAndIncrement();
      // Delivery tags are the bench's; the broker's ack ids wait here until acked.
      Map<Long, String> ackIds = new HashMap<>();
      long[] lastTag = {0};
      var subscribe = StompFrame.builder(StompCommand.SUBSCRIBE)
          .header("destination", "/amq/queue/" + queue)
          .header("ack", autoAck ? "auto" : "client-individual")
          .header("prefetch-count", prefetch);
      return session.subscribe(id, subscribe, message -> {
        long tag = ++lastTag[0];
        if (!autoAck) {
          ackIds.put(tag, message.header("ack", message.header("message-id", "")));
        }
        handler.handle(message.body(), tag);
      }).<Subscription>map(v -> new Subscription() {
        @Override
        public Future<Void> ack(long deliveryTag) {
          String ackId = ackIds.remove(deliveryTag);
          if (ackId == null) {
            return Future.failedFuture(new StompClient.StompError("no delivery " + deliveryTag + " to ack"));
          }
          return session.tell(StompFrame.builder(StompCommand.ACK).header("id", ackId).build());
        }

        @Override
        public Future<Void> cancel() {
          return session.unsubscribe(id).eventually(() -> close(session));
        }
      });
    });
  }

  private Future<StompClient> open() {
    return StompClient.connect(vertx, client, endpoint, maxFrame, warnings).onSuccess(sessions::add);
  }

  private Future<Void> close(StompClient session) {
    sessions.remove(session);
    return session.close();
  }

  @Override
  public Future<Void> deleteQueue(String name) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> deleteExchange(String name) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    var closed = new ArrayList<Future<Void>>();
    for (StompClient s : List.copyOf(sessions)) {
      closed.add(close(s));
    }
    return Future.join(closed).<Void>mapEmpty().eventually(client::close);
  }
}
