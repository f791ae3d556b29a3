package io.junctionmq.cluster;

import io.junctionmq.model.QueueStats;

/** A queue's counts on the wire. */
public final class Stats {
  private Stats() {
  }

  public static Wire write(Wire w, QueueStats s) {
    return w.i64(s.messagesReady()).i64(s.messagesUnacknowledged()).i64(s.messageBytesReady()).i32(s.consumers())
        .i64(s.published()).i64(s.delivered()).i64(s.acknowledged()).i64(s.redelivered())
        .i64(s.deadLettered()).i64(s.windowMessages()).i64(s.windowBytes()).i64(s.deduplicated())
        .str(s.singleActiveConsumer() == null ? "" : s.singleActiveConsumer());
  }

  public static QueueStats read(Wire.Reader r) {
    return new QueueStats(r.i64(), r.i64(), r.i64(), r.i32(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(), r.i64(),
        r.i64(), r.i64(), r.str());
  }
}
