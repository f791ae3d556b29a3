package io.junctionmq.broker;

import io.junctionmq.model.Delivery;
import io.junctionmq.queue.AckMode;
import io.junctionmq.queue.DeliverySink;
import io.junctionmq.queue.QueueVerticle;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer on a queue owned by this node. Deliveries run its handler on the consumer's
 * context; an AUTO consumer returns credit after its handler has run, unless paused.
 */
final class LocalConsumer implements Consumer, DeliverySink {
  private static final Logger log = LoggerFactory.getLogger(LocalConsumer.class);

  private final String tag;
  private final QueueVerticle queue;
  private final AckMode mode;
  private final Handler<Delivery> handler;
  private final Runnable onEnd;
  private Handler<String> endHandler;
  private boolean paused;
  private int owed;
  private boolean ended;

  LocalConsumer(String tag, QueueVerticle queue, AckMode mode, Handler<Delivery> handler, Runnable onEnd) {
    this.tag = tag;
    this.queue = queue;
    this.mode = mode;
    this.handler = handler;
    this.onEnd = onEnd;
  }

  @Override
  public String tag() {
    return tag;
  }

  @Override
  public String queue() {
    return queue.name();
  }

  @Override
  public Future<Void> ack(long deliveryTag, boolean multiple) {
    return queue.ack(tag, deliveryTag, multiple);
  }

  @Override
  public Future<Void> nack(long deliveryTag, boolean multiple, boolean requeue) {
    return queue.nack(tag, deliveryTag, multiple, requeue);
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
    if (ended) {
      return Future.succeededFuture();
    }
    end();
    return queue.cancel(tag);
  }

  @Override
  public Consumer endHandler(Handler<String> handler) {
    this.endHandler = handler;
    return this;
  }

  @Override
  public void deliver(List<Delivery> deliveries) {
    for (Delivery d : deliveries) {
      if (ended) {
        return;
      }
      try {
        handler.handle(d);
      } catch (RuntimeException e) {
        log.error("consumer {} on queue {}: handler failed", tag, queue.name(), e);
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
    if (!ended) {
      end();
      if (endHandler != null) {
        endHandler.handle(reason);
      }
    }
  }

  private void end() {
    ended = true;
    onEnd.run();
  }

  private void returnCredit() {
    if (owed > 0 && !ended) {
      queue.credit(tag, owed);
      owed = 0;
    }
  }
}
