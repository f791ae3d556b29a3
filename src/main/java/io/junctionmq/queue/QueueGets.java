package io.junctionmq.queue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Got;
import io.junctionmq.model.JunctionException;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A queue's gets (AMQP's basic.get) until they are answered. Each is asked of the state in
 * the order it came; one whose head is being paged in waits and is asked again after the
 * next command (the page-in's among them), for up to {@link #PAGE_IN_WAIT_MS}, then fails
 * STORE_UNAVAILABLE. On the queue's context only.
 */
final class QueueGets {
  /** How long a get waits for the head to be paged in. */
  static final long PAGE_IN_WAIT_MS = 2_000;

  private final Vertx vertx;
  private final String queue;
  private final QueueCounters counters;
  private final Outbox outbox;
  private final BiFunction<String, AckMode, GetReply> take;
  private final List<Waiting> waiting = new ArrayList<>();
  private boolean answering;

  /** {@code take} asks the state for a get and carries out its effects. */
  QueueGets(Vertx vertx, String queue, QueueCounters counters, Outbox outbox,
            BiFunction<String, AckMode, GetReply> take) {
    this.vertx = vertx;
    this.queue = queue;
    this.counters = counters;
    this.outbox = outbox;
    this.take = take;
  }

  void add(String holderTag, AckMode mode, Promise<Got> reply) {
    waiting.add(new Waiting(holderTag, mode, reply));
    answerAll();
  }

  /** Asks again for every get waiting; cheap when none is. */
  void answerAll() {
    if (waiting.isEmpty() || answering) {
      return;
    }
    answering = true;
    var asking = new ArrayList<>(waiting);
    waiting.clear();
    for (Waiting w : asking) {
      try {
        answer(w, take.apply(w.holderTag, w.mode));
      } catch (JunctionException e) {
        answered(w).fail(e);
      }
    }
    answering = false;
  }

  /** The queue stopped here or was deleted. */
  void failAll(JunctionException error) {
    waiting.forEach(w -> answered(w).tryFail(error));
    waiting.clear();
  }

  private void answer(Waiting w, GetReply reply) {
    if (reply instanceof GetReply.Taken t) {
      QueuedMessage m = t.message();
      counters.delivered(m);
      var delivery = new Delivery(t.holderTag(), t.deliveryTag(), m.redelivered(), m.deliveryCount, queue, m.message);
      var got = new Got(delivery, t.messageCount());
      outbox.afterLeaseCheck(() -> answered(w).complete(got));
    } else if (reply instanceof GetReply.Empty e) {
      answered(w).complete(Got.empty(e.messageCount()));
    } else {
      if (w.timer < 0) {
        w.timer = vertx.setTimer(PAGE_IN_WAIT_MS, t -> {
          if (waiting.remove(w)) {
            w.reply.fail(ErrorCode.STORE_UNAVAILABLE.error("queue '" + queue
                + "': its messages could not be read from the store in time"));
          }
        });
      }
      waiting.add(w);
    }
  }

  private Promise<Got> answered(Waiting w) {
    vertx.cancelTimer(w.timer);
    return w.reply;
  }

  private static final class Waiting {
    final String holderTag;
    final AckMode mode;
    final Promise<Got> reply;
    long timer = -1;

    Waiting(String holderTag, AckMode mode, Promise<Got> reply) {
      this.holderTag = holderTag;
      this.mode = mode;
      this.reply = reply;
    }
  }
}
