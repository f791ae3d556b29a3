package io.junctionmq.store;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link MessageStore} in the heap, for non-durable queues and transient messages. Every
 * future is already complete when returned.
 *
 * <p>Epochs are ignored: this store lives and dies with the node that owns the queue, so no
 * other node can ever write it and there is nobody to fence out.
 *
 * <p>Each queue is meant to be used from its owner's context; different queues may be used
 * from different threads at once. A lock per queue makes a stray call from another thread
 * safe too (uncontended, it costs next to nothing).
 */
public final class InMemoryMessageStore implements MessageStore {
  private final Map<Long, QueueMessages> queues = new ConcurrentHashMap<>();

  @Override
  public Future<Void> append(long queueId, long epoch, List<StoredMessage> messages) {
    queue(queueId).append(messages);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> remove(long queueId, long epoch, long[] seqs) {
    QueueMessages q = queues.get(queueId);
    if (q != null) {
      q.remove(seqs);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Long> purge(long queueId, long epoch, long upToSeq, long[] keep) {
    QueueMessages q = queues.get(queueId);
    return Future.succeededFuture(q == null ? 0L : q.purge(upToSeq, keep));
  }

  @Override
  public Future<Void> saveDeliveredUpTo(long queueId, long epoch, long upToSeq) {
    queue(queueId).saveDeliveredUpTo(upToSeq);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<StoredMessage>> read(long queueId, long afterSeq, long upToSeq, int limit) {
    QueueMessages q = queues.get(queueId);
    return Future.succeededFuture(q == null ? List.of() : q.read(afterSeq, upToSeq, limit));
  }

  @Override
  public Future<QueueStoreStats> stats(long queueId) {
    QueueMessages q = queues.get(queueId);
    return Future.succeededFuture(q == null ? QueueStoreStats.EMPTY : q.stats());
  }

  @Override
  public Future<Void> drop(long queueId) {
    queues.remove(queueId);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    queues.clear();
    return Future.succeededFuture();
  }

  private QueueMessages queue(long queueId) {
    return queues.computeIfAbsent(queueId, id -> new QueueMessages());
  }

  /** One queue's messages by seq, with running totals for stats. */
  private static final class QueueMessages {
    private final NavigableMap<Long, StoredMessage> bySeq = new TreeMap<>();
    private long bytes;
    private long deliveredUpTo;

    synchronized void append(List<StoredMessage> messages) {
      for (StoredMessage m : messages) {
        // Like the PostgreSQL store, a seq stored already keeps its message: a retried
        // append is harmless.
        if (bySeq.putIfAbsent(m.seq(), m) == null) {
          bytes += m.message().body().length;
        }
      }
    }

    synchronized void remove(long[] seqs) {
      for (long seq : seqs) {
        forget(bySeq.remove(seq));
      }
    }

    synchronized long purge(long upToSeq, long[] keep) {
      var kept = new TreeMap<Long, StoredMessage>();
      for (long seq : keep) {
        StoredMessage m = bySeq.get(seq);
        if (m != null && seq <= upToSeq) {
          kept.put(seq, m);
        }
      }
      var head = bySeq.headMap(upToSeq, true);
      long removed = head.size() - kept.size();
      head.values().forEach(this::forget);
      head.clear();
      kept.values().forEach(m -> bytes += m.message().body().length);
      bySeq.putAll(kept);
      return removed;
    }

    synchronized void saveDeliveredUpTo(long upToSeq) {
      deliveredUpTo = upToSeq;
    }

    synchronized List<StoredMessage> read(long afterSeq, long upToSeq, int limit) {
      if (afterSeq >= upToSeq || limit <= 0) {
        return List.of();
      }
      var out = new ArrayList<StoredMessage>(Math.min(limit, bySeq.size()));
      for (StoredMessage m : bySeq.subMap(afterSeq, false, upToSeq, true).values()) {
        if (out.size() == limit) {
          break;
        }
        out.add(m);
      }
      return out;
    }

    synchronized QueueStoreStats stats() {
      long maxSeq = bySeq.isEmpty() ? 0 : bySeq.lastKey();
      return new QueueStoreStats(bySeq.size(), bytes, maxSeq, deliveredUpTo);
    }

    private void forget(StoredMessage m) {
      if (m != null) {
        bytes -= m.message().body().length;
      }
    }
  }
}
