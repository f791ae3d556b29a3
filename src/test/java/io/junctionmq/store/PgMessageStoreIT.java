package io.junctionmq.store;

import io.junctionmq.model.Queue;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The store contract on PostgreSQL. */
class PgMessageStoreIT extends MessageStoreContract {
  static final String NODE = "node-a";
  private static final AtomicInteger names = new AtomicInteger();
  private static Vertx vertx;
  private static Pool pool;
  private static PgMetadataStore metadata;
  private final Map<Long, Long> epochs = new ConcurrentHashMap<>();
  private PgMessageStore store;

  @BeforeAll
  static void connect() {
    vertx = Vertx.vertx();
    pool = PgPools.create(vertx, TestPostgres.newDatabase(), 4);
    metadata = new PgMetadataStore(pool);
    await(metadata.saveVhost("/"));
  }

  @AfterAll
  static void disconnect() {
    pool.close().await();
    vertx.close().await();
  }

  @BeforeEach
  void newStore() {
    store = new PgMessageStore(vertx, pool, NODE);
  }

  @AfterEach
  void closeStore() {
    await(store.close());
  }

  @Override
  protected MessageStore store() {
    return store;
  }

  @Override
  protected Vertx vertx() {
    return vertx;
  }

  @Override
  protected long newQueue() {
    long id = await(metadata.saveQueue(Queue.durable("/", "q" + names.incrementAndGet())));
    epochs.put(id, await(metadata.acquireLease(id, NODE, Duration.ofMinutes(5))));
    return id;
  }

  @Override
  protected long epoch(long queueId) {
    return epochs.get(queueId);
  }
}
