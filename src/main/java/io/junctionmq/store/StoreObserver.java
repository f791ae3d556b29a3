package io.junctionmq.store;

/**
 * What the PostgreSQL store reports for metrics: one call per write batch (a transaction) and
 * per failed read, never per message. Called on the store's event loops; must not block.
 */
public interface StoreObserver {
  StoreObserver NONE = new StoreObserver() {
    @Override
    public void batch(long rows, long nanos, boolean committed) {
    }

    @Override
    public void readFailed() {
    }
  };

  /**
   * A write batch of {@code rows} rows (messages inserted and deleted, seqs marked) ended
   * {@code nanos} after it was sent: committed, or failed (or timed out) and rolled back.
   */
  void batch(long rows, long nanos, boolean committed);

  /** A read (a page-in, a queue's counts at recovery) failed. */
  void readFailed();
}
