package io.junctionmq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.QueueStats;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class QueueSeriesTest {

  private static QueueStats stats(long ready, long published) {
    return new QueueStats(ready, 0, 0, 1, published, 0, 0, 0, 0, ready, ready * 100);
  }

  private static QueueSeries.Owned q(long id, long ready, long published) {
    return new QueueSeries.Owned(id, "/", "q" + id, stats(ready, published));
  }

  private static Map<String, QueueStats> shown(QueueSeries table) {
    return table.shown().stream().collect(Collectors.toMap(QueueSeries.Series::toString, QueueSeries.Series::stats));
  }

  private static List<String> names(List<QueueSeries.Series> series) {
    return series.stream().map(QueueSeries.Series::toString).sorted().toList();
  }

  @Test
  void queuesWithinTheLimitGetSeriesOfTheirOwnAndNoOtherSeries() {
    var table = new QueueSeries(3);

    var change = table.update(List.of(q(2, 5, 7), q(1, 1, 1)));

    assertEquals(List.of("//q1", "//q2"), names(change.added()));
    assertEquals(List.of(), change.removed());
    assertEquals(stats(5, 7), shown(table).get("//q2"));
    assertEquals(2, table.owned());
    assertEquals(0, table.folded());
  }

  @Test
  void theOldestQueuesKeepTheirSeriesAndTheNewestAreSummedIntoOther() {
    var table = new QueueSeries(2);

    var change = table.update(List.of(q(4, 1, 10), q(3, 2, 20), q(2, 3, 30), q(1, 4, 40)));

    assertEquals(List.of("//q1", "//q2", "_other/_other"), names(change.added()));
    QueueStats other = shown(table).get("_other/_other");
    assertEquals(3, other.messagesReady());
    assertEquals(30, other.published());
    assertEquals(2, other.consumers());
    assertEquals(300, other.windowBytes());
    assertEquals(2, table.folded());
  }

  @Test
  void aDeletedQueueLosesItsSeriesAndItsSlotGoesToTheOldestFoldedQueue() {
    var table = new QueueSeries(1);
    table.update(List.of(q(1, 0, 5), q(2, 0, 7), q(3, 0, 9)));

    var change = table.update(List.of(q(2, 1, 8), q(3, 0, 9)));

    assertEquals(List.of("//q1"), names(change.removed()));
    assertEquals(List.of("//q2"), names(change.added()));
    assertEquals(8, shown(table).get("//q2").published());
    // q2's 7 stay in the sum it left, so that the sum's counter never goes down.
    assertEquals(7 + 9, shown(table).get("_other/_other").published());
    assertEquals(0, shown(table).get("_other/_other").messagesReady());
  }

  @Test
  void theSumOfFoldedQueuesNeverGoesDownWhenOneIsDeleted() {
    var table = new QueueSeries(0);
    table.update(List.of(q(1, 3, 5), q(2, 4, 7)));

    table.update(List.of(q(2, 4, 8)));

    QueueStats other = shown(table).get("_other/_other");
    assertEquals(5 + 8, other.published());
    assertEquals(4, other.messagesReady(), "gauges count only the queues still there");
    assertEquals(1, table.folded());
  }

  @Test
  void theOtherSeriesStaysOnceShownEvenWhenNothingIsFolded() {
    var table = new QueueSeries(1);
    table.update(List.of(q(1, 0, 1), q(2, 0, 2)));

    var change = table.update(List.of());

    assertEquals(List.of("//q1"), names(change.removed()));
    assertEquals(List.of("_other/_other"), names(table.shown()));
    assertEquals(2, shown(table).get("_other/_other").published());
  }

  @Test
  void aSeriesIsNeverAddedTwiceNorRemovedUnlessItsQueueLeft() {
    var table = new QueueSeries(5);
    Function<Integer, List<QueueSeries.Owned>> queues = n -> java.util.stream.LongStream.rangeClosed(1, n)
        .mapToObj(id -> q(id, id, id)).toList();
    table.update(queues.apply(4));

    var change = table.update(queues.apply(4));

    assertTrue(change.added().isEmpty() && change.removed().isEmpty(), change.toString());
  }
}
