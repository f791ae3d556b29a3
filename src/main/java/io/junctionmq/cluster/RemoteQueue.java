package io.junctionmq.cluster;

import io.junctionmq.model.Message;
import io.junctionmq.model.AckMode;
import io.junctionmq.model.Got;
import io.junctionmq.queue.DeliverySink;
import io.junctionmq.queue.QueueLink;
import io.junctionmq.model.QueueStats;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * A queue owned by another node, reached over the event bus. Every request names the
 * queue's epoch as this node knows it, so an owner that lost the queue refuses it
 * (QUEUE_UNAVAILABLE) instead of carrying it out.
 */
public final class RemoteQueue implements QueueLink {
  private final Vertx vertx;
  private final String owner;
  private final long queueId;
  private final long epoch;
  private final RemoteConsumers consumers;
  private final Membership membership;
  private final InFlight inFlight;
  private final DeliveryOptions options;
  private volatile QueueStats stats = QueueStats.EMPTY;

  public RemoteQueue(Vertx vertx, String owner, long queueId, long epoch, RemoteConsumers consumers,
                     Membership membership, InFlight inFlight, long timeoutMs) {
    this.membership = membership;
    this.inFlight = inFlight;
    this.vertx = vertx;
    this.owner = owner;
    this.queueId = queueId;
    this.epoch = epoch;
    this.consumers = consumers;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public String owner() {
    return owner;
  }

  public long epoch() {
    return epoch;
  }

  @Override
  public Future<Void> enqueue(Message message) {
    return request(op(Protocol.ENQUEUE).message(message)).mapEmpty();
  }

  @Override
  public Future<Void> enqueueAgain(Message message) {
    return request(op(Protocol.ENQUEUE_AGAIN).message(message)).mapEmpty();
  }

  @Override
  public Future<Void> consume(String consumerTag, int prefetch, AckMode mode, Context consumerContext,
                              DeliverySink sink) {
    String tag = consumers.register(consumerTag, queueId, epoch, consumerContext, sink);
    return request(op(Protocol.CONSUME).str(tag).i32(prefetch).i8((byte) mode.ordinal()).str(consumers.self()))
        .<Void>mapEmpty()
        .onFailure(e -> consumers.remove(tag, queueId, epoch));
  }

  @Override
  public Future<Void> cancel(String consumerTag) {
    String tag = consumers.remove(consumers.wireTag(consumerTag), queueId, epoch);
    return request(op(Protocol.CANCEL).str(tag)).mapEmpty();
  }

  @Override
  public Future<Void> ack(String consumerTag, long deliveryTag, boolean multiple) {
    return request(op(Protocol.ACK).str(consumers.wireTag(consumerTag)).i64(deliveryTag).bool(multiple)).mapEmpty();
  }

  @Override
  public Future<Void> nack(String consumerTag, long deliveryTag, boolean multiple, boolean requeue) {
    return request(op(Protocol.NACK).str(consumers.wireTag(consumerTag)).i64(deliveryTag).bool(multiple)
        .bool(requeue)).mapEmpty();
  }

  @Override
  public void credit(String consumerTag, int count) {
    vertx.eventBus().send(Protocol.node(owner), op(Protocol.CREDIT).str(consumers.wireTag(consumerTag)).i32(count)
        .buffer());
  }

  @Override
  public Future<Long> purge() {
    return request(op(Protocol.PURGE)).map(reply -> new Wire.Reader(reply).i64());
  }

  @Override
  public Future<Got> get(String holderTag, AckMode mode) {
    return request(op(Protocol.GET).str(consumers.wireTag(holderTag)).i8((byte) mode.ordinal()).str(consumers.self()))
        .map(reply -> Protocol.got(reply, holderTag));
  }

  /** Asks the owner for the queue's counts now. */
  public Future<QueueStats> fetchStats() {
    return request(op(Protocol.STATS)).map(reply -> {
      QueueStats s = Stats.read(new Wire.Reader(reply));
      stats = s;
      return s;
    });
  }

  /** Deletes the queue on its owner; completes with the number of messages it held. */
  public Future<Long> delete(boolean ifUnused, boolean ifEmpty) {
    return request(op(Protocol.DELETE).bool(ifUnused).bool(ifEmpty)).map(reply -> new Wire.Reader(reply).i64());
  }

  @Override
  public QueueStats stats() {
    return stats;
  }

  /** The owner's latest broadcast counts. */
  public void stats(QueueStats stats) {
    this.stats = stats;
  }

  private Wire op(byte op) {
    return Wire.op(op).i64(queueId).i64(epoch);
  }

  private Future<Buffer> request(Wire request) {
    if (!membership.members().contains(owner)) {
      // Its registration may linger in the cluster for a while; a request would only time out.
      return Future.failedFuture(io.junctionmq.model.ErrorCode.QUEUE_UNAVAILABLE.error("node " + owner
          + " has left the cluster; the queue is moving to another node"));
    }
    return inFlight.track(owner, vertx.eventBus().<Buffer>request(Protocol.node(owner), request.buffer(), options)
        .<Buffer>map(io.vertx.core.eventbus.Message::body)
        .recover(e -> Future.failedFuture(Protocol.error(e, owner))));
  }
}
