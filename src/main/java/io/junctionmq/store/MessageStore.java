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

  /** Forgets a deleted queue: its messages and its delivered-up-to. */
  Future<Void> drop(long queueId);

  Future<Void> close();
}
