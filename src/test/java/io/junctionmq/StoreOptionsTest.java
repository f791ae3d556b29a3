package io.junctionmq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.junctionmq.config.JunctionConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreOptionsTest {

  @Test
  void theStoreKeysReachTheWritePipeline() {
    var options = Junction.storeOptions(JunctionConfig.defaults()
        .with(Map.of("store.batch.max-messages", 10, "store.max-pending", 7)));
    assertEquals(10, options.maxBatchRows());
    assertEquals(7, options.maxQueuedCalls());
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    var options = Junction.storeOptions(JunctionConfig.defaults());
    assertEquals(2000, options.maxBatchRows());
    assertEquals(100_000, options.maxQueuedCalls());
  }
}
