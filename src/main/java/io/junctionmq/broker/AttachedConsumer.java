package io.junctionmq.broker;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.queue.DeliverySink;
import io.junctionmq.queue.QueueLink;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer of this node, attached to its queue wherever the queue is owned. When the
 * queue moves to another node (a failover or a hand-over), the consumer is attached again
 * to the new owner and keeps its subscription. Each attachment is a generation: delivery
 * tags carry it in their top bits (generation 0 leaves them as the queue made them), so an
 * ack for a delivery of an earlier owner is recognised and dropped — its message comes
 * again from the new owner, flagged redelivered.
 *
 * <p>Attaching and cancelling run one step at a time: a step starts once the owner answered
 * the one before. So a cancel reaches the owner that holds the attachment, after that owner
 * accepted it, and an attach asked for while the consumer is being cancelled never starts:
 * no owner keeps a consumer whose client is gone.
 *
 * <p>Deliveries run the handler on the consumer's context; an AUTO consumer returns credit
 * after its handler has run, unless paused.
 */
final class AttachedConsumer implements Consumer {
  private static final Logger log = LoggerFactory.getLogger(AttachedConsumer.class);
  private static final int GENERATION_SHIFT = 40;
  private static final long TAG_MASK = (1L << GENERATION_SHIFT) - 1;

  private final String tag;
  private final String queue;
  private final int prefetch;
  private final AckMode mode;
  private final Context context;
  private final Handler<Delivery> handler;
  private final Runnable onEnd;
  private volatile Attachment current;
  /** The owner this consumer was last asked to attach to; {@link #current} catches up with it. */
  private volatile QueueLink wanted;
  /** The last attach or cancel step; the next one starts when it completes. */
  private Future<Void> steps = Future.succeededFuture();
  private int generations;
  private Handler<String> endHandler;
  private boolean paused;
  private int owed;
  private volatile boolean ended;

  AttachedConsumer(String tag, String queue, int prefetch, AckMode mode, Context context, Handler<Delivery> handler,
                   Runnable onEnd) {
    this.tag = tag;
    this.queue = queue;
    this.prefetch = prefetch;
    this.mode = mode;
    this.context = context;
    this.handler = handler;
    this.onEnd = onEnd;
  }

  /**
   * Attaches to {@code link} (the queue's current owner) once the step before has been
   * answered; the earlier attachment is dropped. Completes when the owner accepted the
   * consumer, or at once if it was cancelled first; fails as the request to the owner failed.
   */
  synchronized Future<Void> attach(QueueLink link) {
    wanted = link;
    Future<Void> step = steps.isComplete() ? attachNow(link) : steps.transform(ar -> attachNow(link));
    steps = step;
    return step;
  }

  private synchronized Future<Void> attachNow(QueueLink link) {
    Attachment before = current;
    if (ended || (before != null && before.link == link && before.attached)) {
      return Future.succeededFuture();
    }
    if (before != null) {
      // Best effort: the former owner is usually gone or has closed the queue already.
      before.link.cancel(tag);
    }
    var a = new Attachment(link, generations++);
    current = a;
    context.runOnContext(v -> owed = 0);
    return link.consume(tag, prefetch, mode, context, a).onSuccess(v -> a.attached = true);
  }

  /** Whether the owner this consumer was last asked to attach to has accepted it. */
  boolean attached() {
    Attachment a = current;
    return a != null && a.link == wanted && a.attached;
  }

  /** The queue is gone (deleted on another node): ends the subscription as a delete does. */
  void queueGone(String reason) {
    Attachment a = current;
    if (a != null) {
      context.runOnContext(v -> a.cancelled(reason));
    }
  }

  /** The owner this consumer was last asked to attach to. */
  QueueLink link() {
    return wanted;
  }

  @Override
  public String tag() {
    return tag;
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public Future<Void> ack(long deliveryTag, boolean multiple) {
    Attachment a = current;
    if (deliveryTag >>> GENERATION_SHIFT != a.generation) {
      return superseded(deliveryTag);
    }
    return a.link.ack(tag, deliveryTag & TAG_MASK, multiple);
  }

  @Override
  public Future<Void> nack(long deliveryTag, boolean multiple, boolean requeue) {
    Attachment a = current;
    if (deliveryTag >>> GENERATION_SHIFT != a.generation) {
      return superseded(deliveryTag);
    }
    return a.link.nack(tag, deliveryTag & TAG_MASK, multiple, requeue);
  }

  /** A delivery of an owner the queue has left: nothing to settle; the new owner delivers it again. */
  private Future<Void> superseded(long deliveryTag) {
    return Future.failedFuture(ErrorCode.QUEUE_UNAVAILABLE.error("delivery " + deliveryTag + " of queue '" + queue
        + "' was made by its former owner; the message comes again from the new one"));
  }

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
    returnCredit();
  }

  @Override
  public Future<Void> cancel() {
    Future<Void> cancelled;
    synchronized (this) {
      if (ended) {
        return Future.succeededFuture();
      }
      ended = true;
      cancelled = steps.transform(ar -> {
        // The attach in flight has been answered: the owner that may hold this consumer is known now.
        Attachment a = current;
        return a == null ? Future.<Void>succeededFuture() : a.link.cancel(tag);
      });
      steps = cancelled;
    }
    onEnd.run();
    return cancelled;
  }

  @Override
  public Consumer endHandler(Handler<String> handler) {
    this.endHandler = handler;
    return this;
  }

  private void end() {
    ended = true;
    onEnd.run();
  }

  private void returnCredit() {
    if (owed > 0 && !ended) {
      current.link.credit(tag, owed);
      owed = 0;
    }
  }

  /** One attachment to an owner; deliveries of a superseded one are dropped. */
  private final class Attachment implements DeliverySink {
    private final QueueLink link;
    private final long generation;
    private volatile boolean attached;

    Attachment(QueueLink link, long generation) {
      this.link = link;
      this.generation = generation;
    }

    @Override
    public void deliver(List<Delivery> deliveries) {
      for (Delivery d : deliveries) {
        if (ended || current != this) {
          return;
        }
        try {
          handler.handle(generation == 0 ? d : new Delivery(d.consumerTag(),
              generation << GENERATION_SHIFT | d.deliveryTag(), d.redelivered(), d.deliveryCount(), d.queue(),
              d.message()));
        } catch (RuntimeException e) {
          log.error("consumer {} on queue {}: handler failed", tag, queue, e);
        }
      }
      if (mode == AckMode.AUTO) {
        owed += deliveries.size();
        if (!paused) {
          returnCredit();
        }
      }
    }

    @Override
    public void cancelled(String reason) {
      if (!ended && current == this) {
        end();
        if (endHandler != null) {
          endHandler.handle(reason);
        }
      }
    }
  }
}
