package io.junctionmq.queue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One consumer as its queue's state machine sees it: credit and the deliveries it holds. A
 * <em>holder</em> is pull-only: it holds what gets took with a manual ack mode, and the queue
 * never pushes to it.
 */
final class QueueConsumer {
  final String tag;
  final int prefetch;
  final AckMode mode;
  final boolean holder;
  final LinkedHashMap<Long, QueuedMessage> unacked = new LinkedHashMap<>();
  long nextTag = 1;
  int inFlight;

  private QueueConsumer(String tag, int prefetch, AckMode mode, boolean holder) {
    this.tag = tag;
    this.prefetch = prefetch;
    this.mode = mode;
    this.holder = holder;
  }

  QueueConsumer(String tag, int prefetch, AckMode mode) {
    this(tag, prefetch, mode, false);
  }

  /** A pull-only consumer holding the unacked messages of gets with {@code mode}. */
  static QueueConsumer holder(String tag, AckMode mode) {
    return new QueueConsumer(tag, 0, mode, true);
  }

  boolean hasCredit() {
    return (mode == AckMode.AUTO ? inFlight : unacked.size()) < prefetch;
  }

  /**
   * Takes out the deliveries an ack or nack of {@code deliveryTag} settles: that one, or with
   * {@code multiple} (always, for a CLIENT consumer) every earlier one too.
   */
  List<QueuedMessage> settle(long deliveryTag, boolean multiple) {
    if (mode == AckMode.AUTO) {
      throw ErrorCode.PRECONDITION_FAILED.error("consumer '" + tag + "' uses auto ack");
    }
    if (!unacked.containsKey(deliveryTag)) {
      throw ErrorCode.UNKNOWN_DELIVERY_TAG.error("unknown delivery tag " + deliveryTag);
    }
    var settled = new ArrayList<QueuedMessage>();
    if (multiple || mode == AckMode.CLIENT) {
      var it = unacked.entrySet().iterator();
      while (it.hasNext()) {
        var e = it.next();
        if (e.getKey() > deliveryTag) {
          break;
        }
        settled.add(e.getValue());
        it.remove();
      }
    } else {
      settled.add(unacked.remove(deliveryTag));
    }
    return settled;
  }
}
