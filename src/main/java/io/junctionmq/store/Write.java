package io.junctionmq.store;

import io.vertx.core.buffer.Buffer;

/** One call to a {@link PgMessageStore} write method, waiting for its batch. */
sealed interface Write {

  long queueId();

  /** The lease epoch the caller wrote under; not checked for {@link Drop}. */
  long epoch();

  /** How much of a batch this write uses, in rows. */
  int rows();

  /** How much of a batch this write uses, in bytes sent. */
  long bytes();

  /**
   * Rows to insert, encoded by the caller's thread so that the pipeline only ships them, and
   * the deduplication ids to remember with them until {@code idsExpireAt} ({@code ids} null
   * or holding nulls for none).
   */
  record Append(long queueId, long epoch, Long[] seqs, Buffer[] props, Buffer[] bodies, long bytes,
                String[] ids, long idsExpireAt) implements Write {
    Append(long queueId, long epoch, Long[] seqs, Buffer[] props, Buffer[] bodies, long bytes) {
      this(queueId, epoch, seqs, props, bodies, bytes, null, 0);
    }

    @Override
    public int rows() {
      return seqs.length;
    }
  }

  record Remove(long queueId, long epoch, long[] seqs) implements Write {
    @Override
    public int rows() {
      return seqs.length;
    }

    @Override
    public long bytes() {
      return 8L * seqs.length;
    }
  }

  record Purge(long queueId, long epoch, long upToSeq, long[] keep) implements Write {
    @Override
    public int rows() {
      return 1;
    }

    @Override
    public long bytes() {
      return 8L * keep.length;
    }
  }

  record SaveDeliveredUpTo(long queueId, long epoch, long upToSeq) implements Write {
    @Override
    public int rows() {
      return 1;
    }

    @Override
    public long bytes() {
      return 16;
    }
  }

  /** Forgets a deleted queue. Always last in its batch, so nothing gathered after it is lost. */
  record Drop(long queueId) implements Write {
    @Override
    public long epoch() {
      return 0;
    }

    @Override
    public int rows() {
      return 1;
    }

    @Override
    public long bytes() {
      return 8;
    }
  }
}
