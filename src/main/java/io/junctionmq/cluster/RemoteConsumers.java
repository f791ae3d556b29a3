package io.junctionmq.cluster;

import io.junctionmq.model.Delivery;
import io.junctionmq.model.Message;
import io.junctionmq.queue.DeliverySink;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The consumers of this node that consume from queues owned by other nodes. On the wire a
 * consumer's tag is {@code <this node>|<tag>}, unique in the cluster; deliveries name it and
 * the owner's epoch, and a delivery for an epoch the consumer is no longer attached to is
 * dropped (that owner lost the queue; its successor redelivers).
 */
public final class RemoteConsumers {
  private final String self;
  private final Map<String, Registered> byTag = new ConcurrentHashMap<>();

  public RemoteConsumers(String self) {
    this.self = self;
  }

  public String self() {
    return self;
  }

  /** The tag the owner knows this node's consumer {@code tag} by. */
  public String wireTag(String tag) {
    return wireTag(self, tag);
  }

  /** The tag the owner of a queue knows consumer {@code tag} of {@code node} by. */
  public static String wireTag(String node, String tag) {
    return node + "|" + tag;
  }

  /**
   * The tag its client knows a consumer by, from the tag {@code owner} knows it by: a node id has
   * no '|', so a prefix up to the first one that is not the owner names the consumer's node.
   */
  public static String clientTag(String ownerTag, String owner) {
    int bar = ownerTag.indexOf('|');
    return bar > 0 && !ownerTag.substring(0, bar).equals(owner) ? ownerTag.substring(bar + 1) : ownerTag;
  }

  String register(String tag, long queueId, long epoch, Context context, DeliverySink sink) {
    String wireTag = wireTag(tag);
    byTag.put(wireTag, new Registered(tag, queueId, epoch, context, sink));
    return wireTag;
  }

  /**
   * Forgets the consumer of {@code wireTag} if it is registered for this queue and epoch: a
   * request to a former owner that fails late must not drop the registration of the attachment
   * to the new one.
   */
  String remove(String wireTag, long queueId, long epoch) {
    byTag.computeIfPresent(wireTag, (t, c) -> c.queueId == queueId && c.epoch == epoch ? null : c);
    return wireTag;
  }

  /**
   * A {@link Protocol#PROBE} from an owner: the reply names the consumers it asked about that
   * this node does not have attached to that queue at that epoch.
   */
  public Buffer missing(Wire.Reader r) {
    int n = r.i32();
    var missing = new ArrayList<String>();
    for (int i = 0; i < n; i++) {
      String wireTag = r.str();
      long queueId = r.i64();
      long epoch = r.i64();
      Registered c = byTag.get(wireTag);
      if (c == null || c.queueId != queueId || c.epoch != epoch) {
        missing.add(wireTag);
      }
    }
    Wire w = Wire.reply().i32(missing.size());
    missing.forEach(w::str);
    return w.buffer();
  }

  /** A DELIVER from an owner: tag, epoch, count, then each delivery. */
  public void deliver(Wire.Reader r) {
    Registered c = byTag.get(r.str());
    long epoch = r.i64();
    if (c == null || c.epoch != epoch) {
      return;
    }
    int n = r.i32();
    List<Delivery> deliveries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long deliveryTag = r.i64();
      boolean redelivered = r.bool();
      int count = r.i32();
      String queue = r.str();
      Message message = r.message();
      deliveries.add(new Delivery(c.tag, deliveryTag, redelivered, count, queue, message));
    }
    c.context.runOnContext(v -> c.sink.deliver(deliveries));
  }

  /** A CANCELLED from an owner: tag, epoch, reason (the queue was deleted). */
  public void cancelled(Wire.Reader r) {
    String wireTag = r.str();
    Registered c = byTag.get(wireTag);
    long epoch = r.i64();
    String reason = r.str();
    if (c != null && c.epoch == epoch) {
      byTag.remove(wireTag);
      c.context.runOnContext(v -> c.sink.cancelled(reason));
    }
  }

  private record Registered(String tag, long queueId, long epoch, Context context, DeliverySink sink) {
  }
}
