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
 * Turns SEND frames into publishes in one pass: the destination is parsed once, what it needs
 * is declared (a {@code /queue} once per session, a temp queue, a {@code reply-to} temp queue;
 * both at once when both are needed), then the message is built once and published once.
 * Runs on the session's context.
 */
final class Publisher {
  private final Connection connection;
  private final Subscriptions subscriptions;
  private final String vhost;
  private final Map<String, Future<String>> declaredQueues = new HashMap<>();

  /**
   * A SEND on its way. {@code queue}: the queue a {@code /queue} or {@code /temp-queue}
   * destination names once it is declared; {@code replyQueue}: the temp queue of a
   * {@code reply-to:/temp-queue/...}; each null when not needed.
   */
  record Send(StompFrame frame, StompDestination destination, Future<String> queue, Future<String> replyQueue) {
    /** Null when no declare is in flight (the common case); else completes when all of them have. */
    Future<?> declaring() {
      boolean forQueue = queue != null && !queue.isComplete();
      boolean forReply = replyQueue != null && !replyQueue.isComplete();
      if (forQueue && forReply) {
        return Future.join(queue, replyQueue);
      }
      return forQueue ? queue : forReply ? replyQueue : null;
    }
  }

  /** A SEND ready to publish, or the failure that stops it. {@code existingQueue}: an {@code /amq/queue} that must exist. */
  record Publication(Message message, boolean mandatory, String existingQueue, Throwable failure) {
    static Publication failed(Throwable failure) {
      return new Publication(null, false, null, failure);
    }
  }

  Publisher(Connection connection, Subscriptions subscriptions, String vhost) {
    this.connection = connection;
    this.subscriptions = subscriptions;
    this.vhost = vhost;
  }

  /**
   * Starts the declares a SEND to {@code d} needs (none for an exchange, a topic, an
   * {@code /amq/queue}, a reply queue or an already declared queue). Fails INVALID_ARGUMENT
   * for a bad {@code reply-to}.
   */
  Send send(StompFrame f, StompDestination d) {
    Future<String> replyQueue = null;
    String replyTo = f.header("reply-to");
    if (replyTo != null && replyTo.startsWith("/temp-queue/")) {
      // First, so that a destination naming the same temp queue finds it subscribed.
      var temp = (StompDestination.ToTempQueue) StompDestination.parse(replyTo);
      replyQueue = subscriptions.tempQueue(temp.name(), true);
    }
    Future<String> queue = null;
    if (d instanceof StompDestination.ToQueue q) {
      queue = declareOnce(q.queue());
    } else if (d instanceof StompDestination.ToTempQueue t) {
      queue = subscriptions.tempQueue(t.name(), false);
    }
    return new Send(f, d, queue, replyQueue);
  }

  /** Builds the message of a SEND whose declares are done; a failed declare or bad header is its failure. */
  Publication build(Send s) {
    Throwable failed = failure(s.replyQueue());
    if (failed == null) {
      failed = failure(s.queue());
    }
    if (failed != null) {
      return Publication.failed(failed);
    }
    StompFrame f = s.frame();
    String replyTo = s.replyQueue() != null ? "/reply-queue/" + s.replyQueue().result() : f.header("reply-to");
    StompDestination d = s.destination();
    try {
      if (d instanceof StompDestination.ToExchange x) {
        return ready(StompMessages.message(f, x.exchange(), x.routingKey(), replyTo));
      } else if (d instanceof StompDestination.ToTopic t) {
        return ready(StompMessages.message(f, StompDestination.TOPIC_EXCHANGE, t.routingKey(), replyTo));
      } else if (d instanceof StompDestination.ToExistingQueue q) {
        return new Publication(StompMessages.message(f, "", q.queue(), replyTo), true, q.queue(), null);
      } else if (d instanceof StompDestination.ToReplyQueue q) {
        return ready(StompMessages.message(f, "", q.queue(), replyTo));
      } else {
        return ready(StompMessages.message(f, "", s.queue().result(), replyTo));
      }
    } catch (JunctionException e) {
      return Publication.failed(e);
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

  private static Publication ready(Message m) {
    return new Publication(m, false, null, null);
  }

  private static Throwable failure(Future<String> declared) {
    return declared != null && declared.failed() ? declared.cause() : null;
  }

  /**
   * Declares {@code /queue/{name}} durable, once per session; completes with its name. A queue
   * that exists with other attributes is fine for a SEND: it only needs to be there.
   */
  private Future<String> declareOnce(String queue) {
    Future<String> declared = declaredQueues.get(queue);
    if (declared == null) {
      declared = connection.declareQueue(Queue.durable(vhost, queue))
          .map(queue)
          .recover(e -> e instanceof JunctionException j && j.code() == ErrorCode.PRECONDITION_FAILED
              ? Future.succeededFuture(queue) : Future.failedFuture(e));
      declaredQueues.put(queue, declared);
      declared.onFailure(e -> declaredQueues.remove(queue));
    }
    return declared;
  }
}
