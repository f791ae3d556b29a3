package io.junctionmq.cluster;

import io.junctionmq.model.Delivery;
import io.junctionmq.queue.DeliverySink;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/** On a queue's owner: the deliveries of a consumer on another node, sent there. */
public final class RemoteSink implements DeliverySink {
  private final EventBus bus;
  private final String node;
  private final String tag;
  private final long epoch;

  public RemoteSink(EventBus bus, String node, String tag, long epoch) {
    this.bus = bus;
    this.node = node;
    this.tag = tag;
    this.epoch = epoch;
  }

  public String node() {
    return node;
  }

  public String tag() {
    return tag;
  }

  @Override
  public void deliver(List<Delivery> deliveries) {
    Wire w = Wire.op(Protocol.DELIVER).str(tag).i64(epoch).i32(deliveries.size());
    for (Delivery d : deliveries) {
      w.i64(d.deliveryTag()).bool(d.redelivered()).i32(d.deliveryCount()).str(d.queue()).message(d.message());
    }
    bus.send(Protocol.node(node), w.buffer());
  }

  @Override
  public void cancelled(String reason) {
    bus.send(Protocol.node(node), Wire.op(Protocol.CANCELLED).str(tag).i64(epoch).str(reason).buffer());
  }
}
