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
  private final Map<String, List<Held>> open = new HashMap<>();

  /** A frame held for COMMIT; a SEND's destination is parsed when it is held, and only then. */
  private record Held(StompFrame frame, StompDestination destination) {
  }

  void begin(StompFrame f) {
    String tx = id(f);
    if (open.putIfAbsent(tx, new ArrayList<>()) != null) {
      throw ErrorCode.PRECONDITION_FAILED.error("transaction '" + StompDecoder.printable(tx) + "' is already open");
    }
  }

  /** Holds an ACK or NACK if it names a transaction (fails NOT_FOUND for an unknown one); false if it names none. */
  boolean hold(StompFrame f) {
    return hold(f, null);
  }

  /** Holds a SEND to {@code d} if it names a transaction (fails NOT_FOUND for an unknown one); false if it names none. */
  boolean hold(StompFrame f, StompDestination d) {
    if (f.header("transaction") == null) {
      return false;
    }
    frames(f, false).add(new Held(f, d));
    return true;
  }

  void abort(StompFrame f) {
    frames(f, true);
  }

  void clear() {
    open.clear();
  }

  /**
   * Applies a transaction's frames: first every declaration its SENDs need, at once; then, if
   * every SEND could be built, the publishes and settlements in frame order. Completes when all
   * of them are done (stored, settled); fails, publishing nothing, if a SEND cannot be built.
   */
  Future<Void> commit(StompFrame f, Publisher publisher, Subscriptions subscriptions) {
    List<Held> frames = frames(f, true);
    var sends = new ArrayList<Publisher.Send>();
    var declaring = new ArrayList<Future<?>>();
    for (Held held : frames) {
      if (held.destination() != null) {
        Publisher.Send send = publisher.send(held.frame(), held.destination());
        sends.add(send);
        Future<?> d = send.declaring();
        if (d != null) {
          declaring.add(d);
        }
      }
    }
    Future<?> declared = declaring.isEmpty() ? Future.succeededFuture() : Future.join(declaring);
    return declared.compose(v -> {
      var publications = new ArrayList<Publisher.Publication>(sends.size());
      for (Publisher.Send send : sends) {
        Publisher.Publication p = publisher.build(send);
        if (p.failure() != null) {
          return Future.failedFuture(p.failure());
        }
        publications.add(p);
      }
      var done = new ArrayList<Future<?>>(frames.size());
      int next = 0;
      for (Held held : frames) {
        if (held.destination() != null) {
          done.add(publisher.publish(publications.get(next++)));
        } else {
          try {
            done.add(subscriptions.settle(held.frame(), held.frame().command() == StompCommand.ACK));
          } catch (JunctionException e) {
            done.add(Future.failedFuture(e));
          }
        }
      }
      return Future.all(done).mapEmpty();
    });
  }

  private List<Held> frames(StompFrame f, boolean end) {
    String tx = id(f);
    List<Held> frames = end ? open.remove(tx) : open.get(tx);
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
