package io.junctionmq.store;

import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

class InMemoryMessageStoreTest extends MessageStoreContract {
  private static Vertx vertx;
  private final AtomicLong queueIds = new AtomicLong();
  private MessageStore store;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @BeforeEach
  void newStore() {
    store = new InMemoryMessageStore();
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
    return queueIds.incrementAndGet();
  }

  @Override
  protected long epoch(long queueId) {
    return 1;
  }
}
