package io.junctionmq.transport.stomp;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's open transactions: the SEND, ACK and NACK frames each holds until COMMIT
 * applies them together or ABORT drops them.
 */
final class Transactions {
  private final Map<String, List<StompFrame>> open = new HashMap<>();

  void begin(StompFrame f) {
    String tx = id(f);
    if (open.putIfAbsent(tx, new ArrayList<>()) != null) {
      throw ErrorCode.PRECONDITION_FAILED.error("transaction '" + StompDecoder.printable(tx) + "' is already open");
    }
  }

  /** Holds {@code f} if it names a transaction (fails NOT_FOUND for an unknown one); false if it names none. */
  boolean hold(StompFrame f) {
    if (f.header("transaction") == null) {
      return false;
    }
    if (f.command() == StompCommand.SEND) {
      StompDestination.parse(f.header("destination"));
    }
    frames(f, false).add(f);
    return true;
  }

  void abort(StompFrame f) {
    frames(f, true);
  }

  void clear() {
    open.clear();
  }

  /**
   * Applies a transaction's frames: first every declaration its SENDs need, then the publishes
   * and settlements in frame order; completes when all of them are done (stored, settled).
   */
  Future<Void> commit(StompFrame f, Publisher publisher, Subscriptions subscriptions) {
    List<StompFrame> frames = frames(f, true);
    var prepared = new ArrayList<Future<Publisher.Publication>>();
    for (StompFrame held : frames) {
      if (held.command() == StompCommand.SEND) {
        prepared.add(publisher.prepare(held));
      }
    }
    return Future.all(prepared).compose(all -> {
      var done = new ArrayList<Future<?>>(frames.size());
      int next = 0;
      for (StompFrame held : frames) {
        if (held.command() == StompCommand.SEND) {
          done.add(publisher.publish(prepared.get(next++).result()));
        } else {
          try {
            done.add(subscriptions.settle(held, held.command() == StompCommand.ACK));
          } catch (JunctionException e) {
            done.add(Future.failedFuture(e));
          }
        }
      }
      return Future.all(done).mapEmpty();
    });
  }

  private List<StompFrame> frames(StompFrame f, boolean end) {
    String tx = id(f);
    List<StompFrame> frames = end ? open.remove(tx) : open.get(tx);
    if (frames == null) {
      throw ErrorCode.NOT_FOUND.error("no transaction '" + StompDecoder.printable(tx) + "'");
    }
    return frames;
  }

  private static String id(StompFrame f) {
    String tx = f.header("transaction");
    if (tx == null || tx.isEmpty()) {
      throw ErrorCode.INVALID_ARGUMENT.error(f.command() + " needs a transaction header");
    }
    return tx;
  }
}
