package io.junctionmq.cluster;

import io.junctionmq.async.Serial;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.queue.QueueVerticle;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link Protocol#node(String)} on its own event loop: requests of other nodes about
 * the queues this node owns (each names the epoch it believes current; a queue that moved
 * refuses with QUEUE_UNAVAILABLE), requests to own a queue, and deliveries to this node's
 * consumers of queues owned elsewhere. Every {@code probeIntervalMs} it asks each node with
 * consumers of queues owned here which of them it still has (one request per node, none while
 * the last is unanswered), and cancels the others: their unacked messages return, flagged
 * redelivered.
 */
final class NodeEndpoint extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(NodeEndpoint.class);

  private final String self;
  private final Membership membership;
  private final QueueDirectory directory;
  private final QueueOwnership ownership;
  private final Serial serial;
  private final ClusterSync.QueueDeleter deleter;
  private final long probeIntervalMs;
  private final DeliveryOptions probeOptions;
  private final RemoteAttachments remoteConsumers = new RemoteAttachments();
  /** The nodes asked by a probe that has not been answered yet. */
  private final Set<String> probing = new HashSet<>();
  private MessageConsumer<Buffer> registration;
  private long probeTimer = -1;

  NodeEndpoint(Membership membership, QueueDirectory directory, QueueOwnership ownership, Serial serial,
               ClusterSync.QueueDeleter deleter, long probeIntervalMs, long requestTimeoutMs) {
    this.self = membership.self();
    this.membership = membership;
    this.directory = directory;
    this.ownership = ownership;
    this.serial = serial;
    this.deleter = deleter;
    this.probeIntervalMs = probeIntervalMs;
    this.probeOptions = new DeliveryOptions().setSendTimeout(requestTimeoutMs);
  }

  @Override
  public Future<?> start() {
    registration = vertx.eventBus().consumer(Protocol.node(self), this::handle);
    probeTimer = vertx.setPeriodic(probeIntervalMs, t -> probe());
    return registration.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(probeTimer);
    return registration.unregister();
  }

  /** Nodes left the cluster: their consumers of queues owned here end, and their unacked messages return. */
  void membersChanged(Set<String> members) {
    context.runOnContext(v -> remoteConsumers.departed(members).forEach(this::cancel));
  }

  /** Asks each member with consumers here which of them it still has; cancels the ones it has not. */
  private void probe() {
    Set<String> members = membership.members();
    remoteConsumers.probes().forEach((node, asked) -> {
      if (!members.contains(node) || !probing.add(node)) {
        return;
      }
      Wire w = Wire.op(Protocol.PROBE).i32(asked.size());
      asked.forEach(a -> w.str(a.tag()).i64(a.queueId()).i64(a.epoch()));
      vertx.eventBus().<Buffer>request(Protocol.node(node), w.buffer(), probeOptions).onComplete(ar -> {
        probing.remove(node);
        if (ar.failed()) {
          // No answer is no news: the consumers stay until their node answers or leaves.
          log.debug("probe of node {} failed: {}", node, ar.cause().getMessage());
          return;
        }
        var r = new Wire.Reader(ar.result().body());
        int n = r.i32();
        Set<String> gone = new HashSet<>();
        for (int i = 0; i < n; i++) {
          gone.add(r.str());
        }
        for (RemoteAttachments.Attached a : remoteConsumers.gone(asked, gone)) {
          log.info("consumer {} of queue {} is gone from node {} without a cancel; its unacked messages return",
              a.tag(), a.queueId(), node);
          cancel(a);
        }
      });
    });
  }

  private void cancel(RemoteAttachments.Attached a) {
    QueueEntry q = directory.queue(a.queueId());
    if (q != null && q.ownedHere()) {
      q.local().verticle().cancel(a.tag());
    }
  }

  private void handle(Message<Buffer> request) {
    var r = new Wire.Reader(request.body());
    byte op = r.i8();
    switch (op) {
      case Protocol.DELIVER -> ownership.remoteConsumers().deliver(r);
      case Protocol.CANCELLED -> ownership.remoteConsumers().cancelled(r);
      case Protocol.OWN -> own(r, request);
      case Protocol.PROBE -> request.reply(ownership.remoteConsumers().missing(r));
      default -> queueRequest(op, r, request);
    }
  }

  private void own(Wire.Reader r, Message<Buffer> request) {
    long id = r.i64();
    var queue = MetadataEvents.queue(new JsonObject(r.str()));
    if (ownership.stopping()) {
      Protocol.fail(request, ErrorCode.UNAVAILABLE, "node " + self + " is stopping");
      return;
    }
    serial.submit(() -> {
      if (directory.findVhost(queue.vhost()) == null) {
        return Future.<Long>failedFuture(ErrorCode.noVhost(queue.vhost()));
      }
      QueueEntry known = directory.queue(id);
      if (known != null && known.ownedHere()) {
        return Future.succeededFuture(known.epoch());
      }
      long started = System.nanoTime();
      return ownership.own(id, queue, null, null)
          .onSuccess(q -> ownership.logOwned(q, "assigned", null, started))
          .map(QueueEntry::epoch);
    }).onComplete(ar -> reply(request, ar, epoch -> Wire.reply().i64(epoch).buffer()));
  }

  private void queueRequest(byte op, Wire.Reader r, Message<Buffer> request) {
    long id = r.i64();
    long epoch = r.i64();
    QueueEntry q = directory.queue(id);
    if (q == null || !q.ownedHere() || q.epoch() != epoch) {
      if (op != Protocol.CREDIT) {
        Protocol.fail(request, ErrorCode.QUEUE_UNAVAILABLE, "queue " + id + " is not served by node "
            + self + " at epoch " + epoch);
      }
      return;
    }
    QueueVerticle queue = q.local().verticle();
    switch (op) {
      case Protocol.ENQUEUE -> reply(request, queue.enqueue(r.message()));
      case Protocol.ENQUEUE_AGAIN -> reply(request, queue.enqueueAgain(r.message()));
      case Protocol.CONSUME -> {
        String tag = r.str();
        int prefetch = r.i32();
        AckMode mode = AckMode.values()[r.i8()];
        String node = r.str();
        if (!membership.members().contains(node)) {
          // Deliveries to a node this one does not count in the cluster (one that was paused or
          // cut off, and is merging back) may be lost on the event bus, and nothing would ever
          // return them; membersChanged returns a consumer's messages only when its node leaves.
          // Its node attaches it again (ClusterSync's sweep) once both see each other.
          Protocol.fail(request, ErrorCode.QUEUE_UNAVAILABLE, "node " + node + " is not in the cluster as node "
              + self + " sees it");
          return;
        }
        var sink = new RemoteSink(vertx.eventBus(), node, tag, epoch);
        remoteConsumers.consumer(tag, id, epoch, node);
        reply(request, queue.consume(tag, prefetch, mode, context, sink));
      }
      case Protocol.CANCEL -> {
        String tag = r.str();
        remoteConsumers.remove(tag);
        reply(request, queue.cancel(tag));
      }
      case Protocol.ACK -> reply(request, queue.ack(r.str(), r.i64(), r.bool()));
      case Protocol.NACK -> reply(request, queue.nack(r.str(), r.i64(), r.bool(), r.bool()));
      case Protocol.CREDIT -> queue.credit(r.str(), r.i32());
      case Protocol.PURGE -> queue.purge().onComplete(ar -> reply(request, ar, n -> Buffer.buffer().appendLong(n)));
      case Protocol.STATS -> request.reply(Stats.write(Wire.reply(), queue.stats()).buffer());
      case Protocol.GET -> {
        String tag = r.str();
        AckMode mode = AckMode.values()[r.i8()];
        String node = r.str();
        if (mode != AckMode.AUTO) {
          if (!membership.members().contains(node)) {
            // As for CONSUME: nothing would return what the holder takes if its node never leaves.
            Protocol.fail(request, ErrorCode.QUEUE_UNAVAILABLE, "node " + node + " is not in the cluster as node "
                + self + " sees it");
            return;
          }
          // A holder of gets, cancelled like a consumer when its node leaves the cluster.
          remoteConsumers.holder(tag, id, epoch, node);
        }
        queue.get(tag, mode).onComplete(ar -> reply(request, ar, Protocol::got));
      }
      case Protocol.DELETE -> {
        boolean ifUnused = r.bool();
        boolean ifEmpty = r.bool();
        deleter.delete(q.vhost(), q.name(), ifUnused, ifEmpty)
            .onComplete(ar -> reply(request, ar, n -> Buffer.buffer().appendLong(n)));
      }
      default -> Protocol.fail(request, ErrorCode.PROTOCOL_ERROR, "unknown op " + op);
    }
  }

  private static void reply(Message<Buffer> request, Future<Void> done) {
    done.onComplete(ar -> {
      if (ar.succeeded()) {
        request.reply(null);
      } else {
        Protocol.fail(request, ar.cause());
      }
    });
  }

  private static <T> void reply(Message<Buffer> request, AsyncResult<T> ar,
                                java.util.function.Function<T, Buffer> body) {
    if (ar.succeeded()) {
      request.reply(body.apply(ar.result()));
    } else {
      Protocol.fail(request, ar.cause());
    }
  }
}
