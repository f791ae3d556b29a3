package io.junctionmq.store;

import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.junctionmq.model.Queue;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A by-hand measurement, not a test: how many 1 KiB messages per second PgMessageStore
 * stores and then deletes (append, then remove once the append is confirmed), with fsync on.
 *
 * <p>{@code java -cp target/classes:target/test-classes:<deps> io.junctionmq.store.PgMessageStoreMeasure
 * [seconds=30] [queues=8] [window=1000] [perCall=1] [maxBatchRows=2000]}
 */
public final class PgMessageStoreMeasure {
  private static final String NODE = "measure";
  private static volatile boolean running = true;

  private PgMessageStoreMeasure() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int queues = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int window = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int perCall = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    int maxBatchRows = args.length > 4 ? Integer.parseInt(args[4]) : PgMessageStore.Options.DEFAULTS.maxBatchRows();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "measure-pg");
    try (PostgresServer pg = PostgresServer.start(dir.resolve("data"), 0, true)) {
      Vertx vertx = Vertx.vertx();
      Pool pool = PgPools.create(vertx, pg.uri(), 4);
      Migrations.apply(pool).await();
      var metadata = new PgMetadataStore(pool);
      metadata.saveVhost("/").await();
      var defaults = PgMessageStore.Options.DEFAULTS;
      var store = new PgMessageStore(vertx, pool, NODE, new PgMessageStore.Options(maxBatchRows,
          Math.max(defaults.maxBatchBytes(), maxBatchRows * 1100L), defaults.maxQueuedCalls(), defaults.batchTimeout(), defaults.maxInFlight()));
      AtomicLong done = new AtomicLong();
      byte[] body = new byte[1024];
      Message message = new Message("", "q", MessageProperties.PERSISTENT, body);
      loneAppendLatency(metadata, store, message);
      for (int i = 0; i < queues; i++) {
        long q = metadata.saveQueue(Queue.durable("/", "q" + i)).await();
        long epoch = metadata.acquireLease(q, NODE, Duration.ofHours(1)).await();
        Context context = ((VertxInternal) vertx).createEventLoopContext();
        context.runOnContext(v -> new Driver(store, q, epoch, message, window, perCall, done).pump());
      }
      Thread.sleep(5_000);
      long startDone = done.get();
      long startBatches = store.batches();
      long start = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      double elapsed = (System.nanoTime() - start) / 1e9;
      long messages = done.get() - startDone;
      long batches = store.batches() - startBatches;
      running = false;
      store.close().await();
      System.out.printf("append+remove of 1 KiB messages, fsync on, %d queues, window %d, %d per call,"
          + " batches of at most %d rows:%n", queues, window, perCall, maxBatchRows);
      System.out.printf("  %.0f messages/s, %.0f batches/s, %.1f calls per batch%n",
          messages / elapsed, batches / elapsed, 2.0 * messages / perCall / Math.max(1, batches));
      Row row = pool.query("SELECT n_live_tup, n_dead_tup, autovacuum_count,"
          + " pg_size_pretty(pg_total_relation_size('message')) FROM pg_stat_user_tables"
          + " WHERE relname = 'message'").execute().await().iterator().next();
      System.out.printf("  message table: %d live, %d dead rows, %d autovacuums, %s%n",
          row.getLong(0), row.getLong(1), row.getLong(2), row.getString(3));
      vertx.close().await();
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** At low load a call waits for no timer: one append at a time costs one commit. */
  private static void loneAppendLatency(PgMetadataStore metadata, PgMessageStore store, Message message) {
    long q = metadata.saveQueue(Queue.durable("/", "lone")).await();
    long epoch = metadata.acquireLease(q, NODE, Duration.ofHours(1)).await();
    long[] micros = new long[500];
    for (int i = 0; i < micros.length; i++) {
      long start = System.nanoTime();
      store.append(q, epoch, List.of(new StoredMessage(i + 1, message))).await();
      micros[i] = (System.nanoTime() - start) / 1000;
    }
    java.util.Arrays.sort(micros);
    System.out.printf("lone append (1 KiB, fsync on), one at a time: p50 %d us, p99 %d us%n",
        micros[micros.length / 2], micros[micros.length * 99 / 100]);
  }

  /** One queue's producer and consumer: keeps {@code window} messages in flight, acks each once stored. */
  private static final class Driver {
    private final MessageStore store;
    private final long queueId;
    private final long epoch;
    private final Message message;
    private final int window;
    private final int perCall;
    private final AtomicLong done;
    private long nextSeq = 1;
    private int inFlight;

    Driver(MessageStore store, long queueId, long epoch, Message message, int window, int perCall, AtomicLong done) {
      this.store = store;
      this.queueId = queueId;
      this.epoch = epoch;
      this.message = message;
      this.window = window;
      this.perCall = perCall;
      this.done = done;
    }

    void pump() {
      while (running && inFlight + perCall <= window) {
        long first = nextSeq;
        nextSeq += perCall;
        inFlight += perCall;
        List<StoredMessage> batch = new java.util.ArrayList<>(perCall);
        long[] seqs = new long[perCall];
        for (int i = 0; i < perCall; i++) {
          batch.add(new StoredMessage(first + i, message));
          seqs[i] = first + i;
        }
        store.append(queueId, epoch, batch)
            .compose(v -> store.remove(queueId, epoch, seqs))
            .onComplete(ar -> {
              if (ar.failed() && running) {
                System.err.println("write failed: " + ar.cause());
              }
              inFlight -= perCall;
              done.addAndGet(perCall);
              pump();
            });
      }
    }
  }
}
