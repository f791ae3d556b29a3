package io.junctionmq.broker;

import io.junctionmq.cluster.QueueDirectory;
import io.junctionmq.cluster.QueueEntry;
import io.junctionmq.cluster.RemoteConsumers;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.QueueArguments;
import io.junctionmq.queue.QueueLink;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's consumers, by queue. Each is attached to its queue wherever the queue is owned,
 * and follows it when it moves to another node; when the queue is deleted, its consumers end.
 */
final class Consumers implements QueueDirectory.Listener {
  private static final Logger log = LoggerFactory.getLogger(Consumers.class);

  private final Vertx vertx;
  private final String self;
  private final String getHolder;
  private final QueueDirectory directory;
  private final AtomicLong tags = new AtomicLong();
  private final Map<String, Set<AttachedConsumer>> byQueue = new ConcurrentHashMap<>();
  private final Map<AttachedConsumer, ConsumerInfo> listed = new ConcurrentHashMap<>();

  Consumers(Vertx vertx, String self, QueueDirectory directory) {
    this.vertx = vertx;
    this.self = self;
    this.getHolder = "get-" + self;
    this.directory = directory;
  }

  /**
   * Subscribes to a queue for {@code connection} (null without one); deliveries run {@code
   * handler} on the caller's context; {@code onEnd} runs once when the consumer ends.
   */
  Future<Consumer> consume(String vhost, String queue, ConsumeOptions options, Handler<Delivery> handler,
                           String connection, Runnable onEnd) {
    try {
      QueueEntry q = directory.queue(vhost, queue);
      Catalog.checkAccess(q, connection);
      Context context = Vertx.currentContext() != null ? Vertx.currentContext() : vertx.getOrCreateContext();
      // An empty tag asks the broker for one, as in AMQP; so a tag is never empty (see QueueStats).
      String tag = options.consumerTag() != null && !options.consumerTag().isEmpty() ? options.consumerTag()
          : "ctag-" + self + "-" + tags.incrementAndGet();
      String key = key(vhost, queue);
      var consumer = new AttachedConsumer[1];
      consumer[0] = new AttachedConsumer(tag, queue, options.prefetch(), options.ackMode(), context, handler, () -> {
        forget(key, consumer[0]);
        onEnd.run();
      });
      var info = new ConsumerInfo(tag, vhost, queue, connection, options.ackMode() != AckMode.AUTO,
          options.prefetch(), self);
      if (!add(key, consumer[0], info)) {
        // Refused here rather than by the owner: the cancel that undoes a failed consume below
        // would end the consumer that holds the tag.
        throw ErrorCode.PRECONDITION_FAILED.error("consumer '" + tag + "' exists already on queue '" + queue + "'");
      }
      // A failed first attach may have been followed by another (the queue moved meanwhile):
      // the cancel undoes whichever attachment the consumer holds.
      return consumer[0].attach(q.link()).<Consumer>map(v -> consumer[0])
          .onFailure(e -> consumer[0].cancel());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Takes the message at the head of a queue (basic.get). Manual gets are held by one holder
   * of this node's per queue, which the owner cancels (returning what it holds) if this node
   * leaves the cluster.
   */
  Future<GetResult> get(String vhost, String queue, boolean autoAck) {
    try {
      QueueLink link = directory.queue(vhost, queue).link();
      return link.get(getHolder, autoAck ? AckMode.AUTO : AckMode.CLIENT_INDIVIDUAL)
          .map(got -> new GetResult(got, link, autoAck));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** Attaches this node's consumers of {@code q} to its current owner, unless they are already. */
  @Override
  public void located(QueueEntry q) {
    Set<AttachedConsumer> attached = byQueue.get(key(q.vhost(), q.name()));
    if (attached == null || q.owner() == null) {
      return;
    }
    for (AttachedConsumer c : attached) {
      if (c.link() != q.link() || !c.attached()) {
        c.attach(q.link()).onFailure(e -> log.warn("consumer {} could not attach to queue {} on node {}: {}",
            c.tag(), q.name(), q.owner(), e.getMessage()));
      }
    }
  }

  /** The queue is gone: its consumers here end as a delete ends them. */
  @Override
  public void removed(QueueEntry q, String reason) {
    Set<AttachedConsumer> attached = byQueue.get(key(q.vhost(), q.name()));
    if (attached != null) {
      attached.forEach(c -> c.queueGone(reason));
    }
  }

  /** This node's consumers, each with its activity status. */
  List<ConsumerInfo> list() {
    return listed.values().stream().map(this::withStatus).toList();
  }

  /**
   * Only the owner knows which consumer a single-active-consumer queue serves; its stats name it
   * (read in place here, gossiped within a second elsewhere), so each node marks its own consumers
   * by comparing, with no request to the owner and nothing more on the wire than one tag per queue.
   */
  private ConsumerInfo withStatus(ConsumerInfo c) {
    QueueEntry q;
    try {
      q = directory.queue(c.vhost(), c.queue());
    } catch (RuntimeException gone) {
      return c;
    }
    if (!QueueArguments.parse(q.queue().arguments()).singleActiveConsumer()) {
      return c;
    }
    String ownerTag = self.equals(q.owner()) ? c.tag() : RemoteConsumers.wireTag(self, c.tag());
    return c.withStatus(ownerTag.equals(q.stats().singleActiveConsumer()) ? ConsumerInfo.SINGLE_ACTIVE
        : ConsumerInfo.WAITING);
  }

  /** Adds {@code consumer} to this node's consumers of its queue, unless one there has its tag. */
  private boolean add(String key, AttachedConsumer consumer, ConsumerInfo info) {
    var added = new boolean[1];
    byQueue.compute(key, (k, set) -> {
      Set<AttachedConsumer> all = set != null ? set : ConcurrentHashMap.newKeySet();
      if (all.stream().noneMatch(c -> c.tag().equals(consumer.tag()))) {
        added[0] = all.add(consumer);
      }
      if (added[0]) {
        listed.put(consumer, info);
      }
      return all;
    });
    return added[0];
  }

  private void forget(String key, AttachedConsumer consumer) {
    listed.remove(consumer);
    byQueue.computeIfPresent(key, (k, set) -> {
      set.remove(consumer);
      return set.isEmpty() ? null : set;
    });
  }

  private static String key(String vhost, String queue) {
    return vhost + '\u0000' + queue;
  }
}
