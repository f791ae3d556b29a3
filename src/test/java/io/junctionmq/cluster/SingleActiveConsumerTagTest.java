package io.junctionmq.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.junctionmq.model.QueueStats;
import org.junit.jupiter.api.Test;

/** The single active consumer's tag as the owner's stats carry it to the other nodes, and as clients know it. */
class SingleActiveConsumerTagTest {

  private static QueueStats stats(String active) {
    return new QueueStats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, active);
  }

  @Test
  void theOwnersStatsCarryTheActiveConsumersTagOverTheWire() {
    QueueStats read = Stats.read(new Wire.Reader(Stats.write(Wire.reply(), stats("n1|ctag-n1-4")).buffer()));
    assertEquals(stats("n1|ctag-n1-4"), read);
  }

  @Test
  void statsWithoutAnActiveConsumerComeBackWithoutOne() {
    QueueStats read = Stats.read(new Wire.Reader(Stats.write(Wire.reply(), stats(null)).buffer()));
    assertNull(read.singleActiveConsumer());
    assertEquals(12, read.deduplicated());
  }

  @Test
  void aConsumerAttachedFromAnotherNodeIsShownByItsClientsTag() {
    String ownerTag = RemoteConsumers.wireTag("n1", "ctag-n1-4");
    assertEquals("ctag-n1-4", RemoteConsumers.clientTag(ownerTag, "n0"));
  }

  @Test
  void aConsumerOfTheOwnersOwnNodeIsShownAsItIs() {
    assertEquals("ctag-n0-1", RemoteConsumers.clientTag("ctag-n0-1", "n0"));
    assertEquals("n0|mine", RemoteConsumers.clientTag("n0|mine", "n0"), "a client's tag with a '|' is kept whole");
  }
}
