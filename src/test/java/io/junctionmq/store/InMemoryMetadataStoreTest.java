package io.junctionmq.store;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The metadata store contract on the in-memory twin, with a clock moved by hand. */
class InMemoryMetadataStoreTest extends MetadataStoreContract {
  private static Vertx vertx;
  // Near the top of the range, as System.nanoTime may be: lease expiries must survive the wrap.
  private final AtomicLong nanoTime = new AtomicLong(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos());

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @Override
  protected MetadataStore emptyStore() {
    return new InMemoryMetadataStore(nanoTime::get);
  }

  @Override
  protected void letTimePass(Duration elapsed) {
    nanoTime.addAndGet(elapsed.toNanos());
  }

  @Override
  protected Vertx vertx() {
    return vertx;
  }
}
