package io.junctionmq.queue;

import io.junctionmq.async.Hop;
import io.junctionmq.store.MessageStore;
import io.junctionmq.store.StoredMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a page of a queue's tail for an {@link Effect.PageIn}: from the durable store (for a
 * durable queue) and the in-memory store at once, merged by seq.
 */
final class TailReader {
  private final long queueId;
  private final boolean durable;
  private final MessageStore durableStore;
  private final MessageStore memoryStore;
  private final Context context;

  /** A reader for the queue whose context is {@code context}. */
  TailReader(long queueId, boolean durable, MessageStore durableStore, MessageStore memoryStore, Context context) {
    this.queueId = queueId;
    this.durable = durable;
    this.durableStore = durableStore;
    this.memoryStore = memoryStore;
    this.context = context;
  }

  /**
   * Completes on the queue's context with the page, in seq order, the messages taken back by
   * {@code state} (which is only touched there).
   */
  Future<List<QueuedMessage>> read(Effect.PageIn p, QueueState state) {
    Future<List<StoredMessage>> fromDisk = durable
        ? durableStore.read(queueId, p.afterSeq(), p.upToSeq(), p.limit())
        : Future.succeededFuture(List.of());
    Future<List<StoredMessage>> fromMemory = memoryStore.read(queueId, p.afterSeq(), p.upToSeq(), p.limit());
    return Hop.toContext(context, Future.all(fromDisk, fromMemory))
        .map(v -> merge(fromDisk.result(), fromMemory.result(), p.limit(), state));
  }

  private static List<QueuedMessage> merge(List<StoredMessage> disk, List<StoredMessage> memory, int limit,
                                           QueueState state) {
    var page = new ArrayList<QueuedMessage>(Math.min(limit, disk.size() + memory.size()));
    int i = 0;
    int j = 0;
    while (page.size() < limit && (i < disk.size() || j < memory.size())) {
      boolean takeDisk = j >= memory.size() || i < disk.size() && disk.get(i).seq() < memory.get(j).seq();
      StoredMessage s = takeDisk ? disk.get(i++) : memory.get(j++);
      page.add(state.recovered(s.seq(), s.message(), takeDisk, s.expiresAt()));
    }
    return page;
  }
}
