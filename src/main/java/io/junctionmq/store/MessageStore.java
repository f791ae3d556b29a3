package io.junctionmq.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * Where a queue keeps its messages. One queue owner writes a queue at a time; every write
 * carries the owner's lease {@code epoch} so that a superseded owner cannot write (fencing).
 * Writes of one queue take effect in the order they were called. Implementations batch:
 * calls made while a write is in flight go out together when it completes.
 *
 * <p>Futures fail with {@link StoreException} when the store cannot be reached and with
 * {@link FencedException} when the epoch is no longer the queue's lease epoch.
 */
public interface MessageStore {

  /** Stores messages; completes when they are durable. Seqs must be new for the queue. */
  Future<Void> append(long queueId, long epoch, List<StoredMessage> messages);

  /**
   * As {@link #append}, and remembers each message's deduplication id ({@code ids[i]} for
   * {@code messages.get(i)}, null for none) until {@code idsExpireAt}, in the same write, so
   * that a message is never stored without its id. A store that outlives no owner (the
   * in-memory one) remembers nothing: the queue's own memory is its window.
   */
  default Future<Void> append(long queueId, long epoch, List<StoredMessage> messages, String[] ids,
                              long idsExpireAt) {
    return append(queueId, epoch, messages);
  }

  /** The ids remembered for the queue that expire after {@code now}, the soonest first. */
  default Future<List<RememberedId>> rememberedIds(long queueId, long now) {
    return Future.succeededFuture(List.of());
  }

  /** Forgets up to {@code limit} of the queue's ids expired at {@code now}; completes with how many. */
  default Future<Integer> forgetExpiredIds(long queueId, long now, int limit) {
    return Future.succeededFuture(0);
  }

  /** Removes messages by seq (acked, expired, dead-lettered). Unknown seqs are ignored. */
  Future<Void> remove(long queueId, long epoch, long[] seqs);

  /**
   * Removes every message with {@code seq <= upToSeq} except those in {@code keep} (the
   * unacked ones); completes with the number removed.
   */
  Future<Long> purge(long queueId, long epoch, long upToSeq, long[] keep);

  /**
   * Saves the queue's delivered-up-to: every message with {@code seq <= upToSeq} may have been
   * delivered (a restart flags them redelivered).
   */
  Future<Void> saveDeliveredUpTo(long queueId, long epoch, long upToSeq);

  /** Reads up to {@code limit} messages with {@code afterSeq < seq <= upToSeq}, ascending. */
  Future<List<StoredMessage>> read(long queueId, long afterSeq, long upToSeq, int limit);

  /** What the store holds for a queue. */
  Future<QueueStoreStats> stats(long queueId);

  /** Forgets a deleted queue: its messages, its delivered-up-to and its remembered ids. */
  Future<Void> drop(long queueId);

  Future<Void> close();
}
