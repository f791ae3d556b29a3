package io.junctionmq.bench;

import io.junctionmq.transport.stomp.StompCommand;
import io.junctionmq.transport.stomp.StompDecoder;
import io.junctionmq.transport.stomp.StompEncoder;
import io.junctionmq.transport.stomp.StompFrame;
import io.junctionmq.transport.stomp.StompProtocolException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One STOMP 1.2 session over one WebSocket, as the bench needs it: frames that ask for a
 * {@code receipt} and complete when it arrives, subscriptions whose MESSAGE frames go to a
 * handler, ACK frames. An ERROR frame or a closed socket fails every receipt still awaited,
 * with the broker's {@code message}. The session is confined to the context it was opened on:
 * calls from elsewhere hop onto it, and MESSAGE handlers run on it.
 */
final class StompClient {
  private static final long CONNECT_TIMEOUT_MS = 10_000;
  private static final int MAX_HEADERS = 64 * 1024;

  private final Context context;
  private final StompDecoder decoder;
  private final Consumer<String> warnings;
  private final Map<String, Promise<Void>> receipts = new HashMap<>();
  private final Map<String, Handler<StompFrame>> subscriptions = new HashMap<>();
  private Promise<StompClient> connected;
  private WebSocket socket;
  private String failure;
  private String server;
  private long nextReceipt;

  /** A broker failed a frame or the connection; carries the broker's words, no stack trace. */
  static final class StompError extends RuntimeException {
    StompError(String message) {
      super(message, null, false, false);
    }
  }

  private StompClient(Context context, int maxFrame, Consumer<String> warnings) {
    this.context = context;
    this.decoder = new StompDecoder(maxFrame, Math.min(MAX_HEADERS, maxFrame));
    this.warnings = warnings;
  }

  /**
   * Opens a WebSocket to {@code endpoint} on the caller's context (a new one off Vert.x
   * threads), sends CONNECT and completes with the session once CONNECTED arrives; fails with
   * the broker's ERROR message, a refused connection or after 10 s.
   *
   * @param maxFrame the largest frame accepted from the broker
   * @param warnings told once of an ERROR frame that no receipt was waiting for
   */
  static Future<StompClient> connect(Vertx vertx, WebSocketClient client, StompEndpoint endpoint, int maxFrame,
                                     Consumer<String> warnings) {
    Context context = vertx.getOrCreateContext();
    var stomp = new StompClient(context, maxFrame, warnings);
    return stomp.onContext(() -> stomp.open(client, endpoint));
  }

  private Future<StompClient> open(WebSocketClient client, StompEndpoint endpoint) {
    connected = Promise.promise();
    long timer = context.owner().setTimer(CONNECT_TIMEOUT_MS,
        t -> fail("no CONNECTED from " + endpoint.url() + " within " + CONNECT_TIMEOUT_MS + " ms"));
    client.connect(endpoint.webSocketOptions()).onComplete(ar -> {
      if (ar.failed()) {
        fail("cannot open " + endpoint.url() + ": " + ar.cause().getMessage());
        return;
      }
      socket = ar.result();
      socket.handler(this::received);
      socket.exceptionHandler(e -> fail("connection failed: " + e.getMessage()));
      socket.closeHandler(v -> fail("the broker closed the connection"
          + (socket.closeReason() == null ? "" : " (" + socket.closeReason() + ")")));
      write(endpoint.connectFrame());
    });
    return connected.future().andThen(ar -> context.owner().cancelTimer(timer));
  }

  /** The broker's {@code server} header from CONNECTED (name/version), or null. */
  String server() {
    return server;
  }

  /** Sends {@code frame} with a {@code receipt} header; completes when the RECEIPT arrives. */
  Future<Void> request(StompFrame.Builder frame) {
    return onContext(() -> {
      if (failure != null) {
        return Future.failedFuture(new StompError(failure));
      }
      String id = Long.toString(nextReceipt++);
      Promise<Void> receipt = Promise.promise();
      receipts.put(id, receipt);
      write(frame.header("receipt", id).build());
      return receipt.future();
    });
  }

  /** Sends {@code frame}; completes when it is written (the broker does not answer it). */
  Future<Void> tell(StompFrame frame) {
    return onContext(() -> failure != null ? Future.failedFuture(new StompError(failure)) : write(frame));
  }

  /**
   * Sends a SUBSCRIBE with {@code id} and the given headers and a receipt; MESSAGE frames of
   * this subscription go to {@code handler} on this session's context, possibly before the
   * future completes.
   */
  Future<Void> subscribe(String id, StompFrame.Builder subscribe, Handler<StompFrame> handler) {
    return onContext(() -> {
      subscriptions.put(id, handler);
      return request(subscribe.header("id", id));
    });
  }

  Future<Void> unsubscribe(String id) {
    return onContext(() -> request(StompFrame.builder(StompCommand.UNSUBSCRIBE).header("id", id))
        .andThen(ar -> subscriptions.remove(id)));
  }

  /** Sends DISCONNECT and closes the socket; what is unacked goes back to its queue. */
  Future<Void> close() {
    return onContext(() -> {
      if (socket == null || socket.isClosed()) {
        return Future.succeededFuture();
      }
      failure = "the session is closed";
      write(StompFrame.builder(StompCommand.DISCONNECT).build());
      return socket.close();
    });
  }

  private Future<Void> write(StompFrame frame) {
    return socket.writeBinaryMessage(Buffer.buffer(StompEncoder.encode(frame)));
  }

  private void received(Buffer data) {
    try {
      decoder.feed(data.getBytes(), this::dispatch);
    } catch (StompProtocolException e) {
      fail("the broker sent a malformed frame: " + e.getMessage());
      socket.close();
    }
  }

  private void dispatch(StompFrame frame) {
    switch (frame.command()) {
      case CONNECTED -> {
        server = frame.header("server");
        connected.tryComplete(this);
      }
      case RECEIPT -> {
        Promise<Void> receipt = receipts.remove(frame.header("receipt-id", ""));
        if (receipt != null) {
          receipt.tryComplete();
        }
      }
      case MESSAGE -> {
        Handler<StompFrame> handler = subscriptions.get(frame.header("subscription", ""));
        if (handler != null) {
          handler.handle(frame);
        }
      }
      case ERROR -> {
        String message = frame.header("message", "ERROR frame without a message");
        String detail = frame.bodyText().strip();
        String error = detail.isEmpty() ? message : message + ": " + detail.lines().findFirst().orElse("");
        if (failure == null && receipts.isEmpty() && connected.future().isComplete()) {
          warnings.accept("the broker sent ERROR: " + error);
        }
        fail(error);
      }
      default -> fail("unexpected " + frame.command() + " frame from the broker");
    }
  }

  /** Fails the session: every receipt awaited fails with {@code reason}, and so will later requests. */
  private void fail(String reason) {
    if (failure == null) {
      failure = reason;
    }
    var error = new StompError(failure);
    connected.tryFail(error);
    var waiting = new ArrayList<>(receipts.values());
    receipts.clear();
    waiting.forEach(p -> p.tryFail(error));
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
