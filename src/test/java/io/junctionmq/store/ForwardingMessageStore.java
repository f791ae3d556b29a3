package io.junctionmq.store;

import io.vertx.core.Future;
import java.util.List;

/** A message store that passes every call to another; a test overrides the calls it holds back or breaks. */
public class ForwardingMessageStore implements MessageStore {
  protected final MessageStore inner;

  public ForwardingMessageStore(MessageStore inner) {
    this.inner = inner;
  }

  @Override
  public Future<Void> append(long queueId, long epoch, List<StoredMessage> messages) {
    return inner.append(queueId, epoch, messages);
  }

  @Override
  public Future<Void> remove(long queueId, long epoch, long[] seqs) {
    return inner.remove(queueId, epoch, seqs);
  }

  @Override
  public Future<Long> purge(long queueId, long epoch, long upToSeq, long[] keep) {
    return inner.purge(queueId, epoch, upToSeq, keep);
  }

  @Override
  public Future<Void> saveDeliveredUpTo(long queueId, long epoch, long upToSeq) {
    return inner.saveDeliveredUpTo(queueId, epoch, upToSeq);
  }

  @Override
  public Future<List<StoredMessage>> read(long queueId, long afterSeq, long upToSeq, int limit) {
    return inner.read(queueId, afterSeq, upToSeq, limit);
  }

  @Override
  public Future<QueueStoreStats> stats(long queueId) {
    return inner.stats(queueId);
  }

  @Override
  public Future<Void> drop(long queueId) {
    return inner.drop(queueId);
  }

  @Override
  public Future<Void> close() {
    return inner.close();
  }
}
