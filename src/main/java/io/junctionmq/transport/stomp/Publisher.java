package io.junctionmq.transport.stomp;

import io.junctionmq.broker.Connection;
import io.junctionmq.broker.PublishResult;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.Queue;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns SEND frames into publishes: resolves the destination, declares what it needs first (a
 * {@code /queue} once per session, a temp queue and its {@code reply-to}), builds the message.
 * Runs on the session's context.
 */
final class Publisher {
  private final Connection connection;
  private final Subscriptions subscriptions;
  private final String vhost;
  private final Map<String, Future<Void>> declaredQueues = new HashMap<>();

  /** A SEND ready to publish. {@code existingQueue}: an {@code /amq/queue} that must exist. */
  record Publication(Message message, boolean mandatory, String existingQueue) {
  }

  Publisher(Connection connection, Subscriptions subscriptions, String vhost) {
    this.connection = connection;
    this.subscriptions = subscriptions;
    this.vhost = vhost;
  }

  /**
   * The publication of a SEND; an already completed future unless something had to be
   * declared first. Fails INVALID_ARGUMENT for a bad destination or header.
   */
  Future<Publication> prepare(StompFrame f) {
    try {
      StompDestination d = StompDestination.parse(f.header("destination"));
      String replyTo = f.header("reply-to");
      if (replyTo != null && replyTo.startsWith("/temp-queue/")) {
        var temp = (StompDestination.ToTempQueue) StompDestination.parse(replyTo);
        Future<String> q = subscriptions.tempQueue(temp.name(), true);
        if (!q.isComplete()) {
          return q.compose(name -> prepare(f));
        }
        if (q.failed()) {
          return Future.failedFuture(q.cause());
        }
        replyTo = "/reply-queue/" + q.result();
      }
      String reply = replyTo;
      if (d instanceof StompDestination.ToExchange x) {
        return ready(StompMessages.message(f, x.exchange(), x.routingKey(), reply), false, null);
      } else if (d instanceof StompDestination.ToTopic t) {
        return ready(StompMessages.message(f, StompDestination.TOPIC_EXCHANGE, t.routingKey(), reply), false, null);
      } else if (d instanceof StompDestination.ToExistingQueue q) {
        return ready(StompMessages.message(f, "", q.queue(), reply), true, q.queue());
      } else if (d instanceof StompDestination.ToReplyQueue q) {
        return ready(StompMessages.message(f, "", q.queue(), reply), false, null);
      } else if (d instanceof StompDestination.ToQueue q) {
        Future<Void> declared = declareOnce(q.queue());
        if (!declared.isComplete()) {
          return declared.compose(v -> prepare(f));
        }
        return declared.failed() ? Future.failedFuture(declared.cause())
            : ready(StompMessages.message(f, "", q.queue(), reply), false, null);
      } else {
        var t = (StompDestination.ToTempQueue) d;
        Future<String> q = subscriptions.tempQueue(t.name(), false);
        if (!q.isComplete()) {
          return q.compose(name -> prepare(f));
        }
        return q.failed() ? Future.failedFuture(q.cause())
            : ready(StompMessages.message(f, "", q.result(), reply), false, null);
      }
    } catch (JunctionException e) {
      return Future.failedFuture(e);
    }
  }

  /** Publishes; completes when stored (the receipt), fails NOT_FOUND for a missing {@code /amq/queue}. */
  Future<PublishResult> publish(Publication p) {
    Future<PublishResult> stored = connection.publish(vhost, p.message(), p.mandatory());
    if (p.existingQueue() == null) {
      return stored;
    }
    return stored.recover(e -> e instanceof JunctionException j && j.code() == ErrorCode.NO_ROUTE
        ? Future.failedFuture(ErrorCode.NOT_FOUND.error("no queue '" + p.existingQueue() + "' in vhost '" + vhost + "'"))
        : Future.failedFuture(e));
  }

  private static Future<Publication> ready(Message m, boolean mandatory, String existingQueue) {
    return Future.succeededFuture(new Publication(m, mandatory, existingQueue));
  }

  /**
   * Declares {@code /queue/{name}} durable, once per session. A queue that exists with other
   * attributes is fine for a SEND: it only needs to be there.
   */
  private Future<Void> declareOnce(String queue) {
    return declaredQueues.computeIfAbsent(queue, q -> connection.declareQueue(Queue.durable(vhost, q))
        .<Void>mapEmpty()
        .recover(e -> e instanceof JunctionException j && j.code() == ErrorCode.PRECONDITION_FAILED
            ? Future.succeededFuture() : Future.failedFuture(e))
        .onFailure(e -> declaredQueues.remove(q)));
  }
}
