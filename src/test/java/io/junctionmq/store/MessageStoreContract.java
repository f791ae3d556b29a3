package io.junctionmq.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} does, run against each implementation (as NATS runs its
 * store tests on the file and the memory store). Subclasses provide the store and queues
 * that it may write.
 */
abstract class MessageStoreContract {

  /** The store under test, fresh for each test. */
  protected abstract MessageStore store();

  /** A Vert.x instance for tests that call from event loops. */
  protected abstract Vertx vertx();

  /** A new queue the store may write; {@link #epoch} is the epoch to write it under. */
  protected abstract long newQueue();

  protected abstract long epoch(long queueId);

  static <T> T await(Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("timed out", e);
    }
  }

  static Message message(String text) {
    return new Message("ex", "rk", MessageProperties.PERSISTENT, text.getBytes(StandardCharsets.UTF_8));
  }

  static List<StoredMessage> messages(long fromSeq, long toSeq) {
    return LongStream.rangeClosed(fromSeq, toSeq).mapToObj(s -> new StoredMessage(s, message("m" + s))).toList();
  }

  static List<Long> seqs(List<StoredMessage> messages) {
    return messages.stream().map(StoredMessage::seq).toList();
  }

  static String text(StoredMessage m) {
    return new String(m.message().body(), StandardCharsets.UTF_8);
  }

  void append(long q, List<StoredMessage> messages) {
    await(store().append(q, epoch(q), messages));
  }

  List<StoredMessage> readAll(long q) {
    return await(store().read(q, 0, Long.MAX_VALUE, Integer.MAX_VALUE));
  }

  @Test
  void appendedMessagesAreReadInSeqOrderWithTheirContent() {
    long q = newQueue();
    append(q, messages(1, 3));
    append(q, messages(4, 5));
    List<StoredMessage> read = readAll(q);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(read));
    assertEquals("m4", text(read.get(3)));
    assertEquals("ex", read.get(0).message().exchange());
    assertEquals("rk", read.get(0).message().routingKey());
    assertTrue(read.get(0).message().persistent());
  }

  @Test
  void readHonoursAfterSeqUpToSeqAndLimit() {
    long q = newQueue();
    append(q, messages(1, 10));
    assertEquals(List.of(4L, 5L, 6L), seqs(await(store().read(q, 3, 6, 100))));
    assertEquals(List.of(4L, 5L), seqs(await(store().read(q, 3, 10, 2))));
    assertEquals(List.of(10L), seqs(await(store().read(q, 9, 100, 100))));
    assertEquals(List.of(), await(store().read(q, 10, 100, 100)));
    assertEquals(List.of(), await(store().read(q, 5, 5, 100)));
    assertEquals(List.of(), await(store().read(q, 0, 10, 0)));
  }

  @Test
  void anUnknownQueueIsEmpty() {
    long q = newQueue();
    assertEquals(List.of(), readAll(q));
    assertEquals(QueueStoreStats.EMPTY, await(store().stats(q)));
  }

  @Test
  void queuesDoNotSeeEachOthersMessages() {
    long a = newQueue();
    long b = newQueue();
    append(a, messages(1, 3));
    append(b, messages(2, 2));
    assertEquals(List.of(1L, 2L, 3L), seqs(readAll(a)));
    assertEquals(List.of(2L), seqs(readAll(b)));
  }

  @Test
  void removeDeletesTheGivenSeqsAndIgnoresUnknownOnes() {
    long q = newQueue();
    append(q, messages(1, 5));
    await(store().remove(q, epoch(q), new long[] {2, 4, 99}));
    await(store().remove(q, epoch(q), new long[] {2}));
    await(store().remove(q, epoch(q), new long[0]));
    assertEquals(List.of(1L, 3L, 5L), seqs(readAll(q)));
  }

  @Test
  void purgeRemovesUpToSeqExceptTheKeptOnes() {
    long q = newQueue();
    append(q, messages(1, 10));
    long removed = await(store().purge(q, epoch(q), 6, new long[] {2, 5, 8}));
    assertEquals(4, removed);
    assertEquals(List.of(2L, 5L, 7L, 8L, 9L, 10L), seqs(readAll(q)));
    assertEquals(0L, await(store().purge(q, epoch(q), 1, new long[0])));
  }

  @Test
  void purgeNeverRemovesMessagesAfterUpToSeq() {
    long q = newQueue();
    append(q, messages(1, 3));
    Future<Long> purged = store().purge(q, epoch(q), 3, new long[0]);
    Future<Void> later = store().append(q, epoch(q), messages(4, 6));
    assertEquals(3L, await(purged));
    await(later);
    assertEquals(List.of(4L, 5L, 6L), seqs(readAll(q)));
  }

  @Test
  void statsCountMessagesBodyBytesMaxSeqAndDeliveredUpTo() {
    long q = newQueue();
    append(q, List.of(new StoredMessage(3, message("abc")), new StoredMessage(7, message("de"))));
    await(store().saveDeliveredUpTo(q, epoch(q), 3));
    assertEquals(new QueueStoreStats(2, 5, 7, 3), await(store().stats(q)));
    await(store().saveDeliveredUpTo(q, epoch(q), 7));
    await(store().remove(q, epoch(q), new long[] {7}));
    assertEquals(new QueueStoreStats(1, 3, 3, 7), await(store().stats(q)));
  }

  @Test
  void theLatestDeliveredUpToWins() {
    long q = newQueue();
    Future<Void> first = store().saveDeliveredUpTo(q, epoch(q), 5);
    Future<Void> second = store().saveDeliveredUpTo(q, epoch(q), 9);
    await(first);
    await(second);
    assertEquals(9, await(store().stats(q)).deliveredUpTo());
  }

  @Test
  void dropForgetsMessagesAndDeliveredUpTo() {
    long q = newQueue();
    long other = newQueue();
    append(q, messages(1, 5));
    append(other, messages(1, 2));
    await(store().saveDeliveredUpTo(q, epoch(q), 2));
    await(store().drop(q));
    assertEquals(QueueStoreStats.EMPTY, await(store().stats(q)));
    assertEquals(List.of(), readAll(q));
    assertEquals(2, await(store().stats(other)).messages());
  }

  @Test
  void appendThenRemoveWithoutWaitingLeavesNothing() {
    long q = newQueue();
    Future<Void> appended = store().append(q, epoch(q), messages(1, 100));
    Future<Void> removed = store().remove(q, epoch(q), LongStream.rangeClosed(1, 100).toArray());
    await(appended);
    await(removed);
    assertEquals(QueueStoreStats.EMPTY, await(store().stats(q)));
  }

  @Test
  void appendingAStoredSeqAgainKeepsTheStoredMessage() {
    long q = newQueue();
    append(q, List.of(new StoredMessage(1, message("first"))));
    append(q, List.of(new StoredMessage(1, message("retry")), new StoredMessage(2, message("second"))));
    List<StoredMessage> read = readAll(q);
    assertEquals(List.of("first", "second"), read.stream().map(MessageStoreContract::text).toList());
    assertEquals(new QueueStoreStats(2, 11, 2, 0), await(store().stats(q)));
  }

  @Test
  void largeAndEmptyBodiesRoundTrip() {
    long q = newQueue();
    byte[] large = new byte[1 << 20];
    new java.util.Random(42).nextBytes(large);
    append(q, List.of(new StoredMessage(1, new Message("", "q", MessageProperties.PERSISTENT, large)),
        new StoredMessage(2, new Message("", "q", MessageProperties.PERSISTENT, new byte[0]))));
    List<StoredMessage> read = readAll(q);
    assertArrayEquals(large, read.get(0).message().body());
    assertEquals(0, read.get(1).message().body().length);
    assertEquals((1 << 20), await(store().stats(q)).bytes());
  }

  @Test
  void binaryBodiesWithNulBytesRoundTrip() {
    long q = newQueue();
    byte[] body = new byte[512];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    append(q, List.of(new StoredMessage(1, new Message("", "q", MessageProperties.PERSISTENT, body))));
    assertArrayEquals(body, readAll(q).get(0).message().body());
  }

  @Test
  void everyMessagePropertyRoundTrips() {
    long q = newQueue();
    var props = MessageProperties.builder().messageId("id").correlationId("corr").replyTo("reply")
        .contentType("text/plain").contentEncoding("utf-8").type("t").appId("app").userId("user")
        .timestamp(1_700_000_000_123L).priority(3).expiration("1000").persistent(true)
        .headers(Map.of("a", "1", "ünï", "cödé")).build();
    var m = new Message("amq.topic", "a.b.c", props, "x".getBytes(StandardCharsets.UTF_8));
    append(q, List.of(new StoredMessage(1, m)));
    Message back = readAll(q).get(0).message();
    assertEquals(props, back.properties());
    assertEquals("amq.topic", back.exchange());
    assertEquals("a.b.c", back.routingKey());
  }

  @Test
  void concurrentAppendsOnSeveralQueuesKeepPerQueueOrder() throws Exception {
    int queues = 8;
    int perQueue = 500;
    List<CompletableFuture<Void>> done = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < queues; i++) {
      long q = newQueue();
      long epoch = epoch(q);
      ids.add(q);
      // Each queue calls from an event loop of its own, as a queue verticle would, without
      // waiting for one append before the next.
      Context context = ((VertxInternal) vertx()).createEventLoopContext();
      CompletableFuture<Void> queueDone = new CompletableFuture<>();
      done.add(queueDone);
      context.runOnContext(v -> {
        List<Future<Void>> appends = new ArrayList<>();
        for (long seq = 1; seq <= perQueue; seq++) {
          appends.add(store().append(q, epoch, List.of(new StoredMessage(seq, message(q + ":" + seq)))));
        }
        Future.all(appends).onComplete(ar -> {
          if (ar.succeeded()) {
            queueDone.complete(null);
          } else {
            queueDone.completeExceptionally(ar.cause());
          }
        });
      });
    }
    CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
    for (long q : ids) {
      List<StoredMessage> read = readAll(q);
      assertEquals(LongStream.rangeClosed(1, perQueue).boxed().toList(), seqs(read));
      assertEquals(q + ":7", text(read.get(6)));
    }
  }

  private static boolean sameContext(Context a, Context b) {
    return a != null && ((ContextInternal) a).unwrap() == ((ContextInternal) b).unwrap();
  }

  @Test
  void callbacksRunOnTheCallersContext() throws Exception {
    long q = newQueue();
    long epoch = epoch(q);
    Context context = ((VertxInternal) vertx()).createEventLoopContext();
    CompletableFuture<Boolean> onCaller = new CompletableFuture<>();
    context.runOnContext(v -> store().append(q, epoch, messages(1, 1))
        .compose(x -> store().read(q, 0, 10, 10))
        .onComplete(ar -> onCaller.complete(ar.succeeded() && sameContext(Vertx.currentContext(), context))));
    assertTrue(onCaller.get(30, TimeUnit.SECONDS));
  }
}
