package io.junctionmq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.model.AckMode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * Random command sequences against the queue state machine, with the host's side played by a
 * model ({@link Host}) that keeps the store and what every consumer and get holder holds.
 * After every command:
 * <ul>
 *   <li>no consumer holds more than its prefetch;</li>
 *   <li>every published message is ready, unacked or settled: never lost, and while unsettled
 *       held by one consumer or holder at most, and stored exactly once;</li>
 *   <li>nothing is handed out, pushed or got, that is settled, expired, or unacked elsewhere;</li>
 *   <li>holders of gets are no consumers: they are not counted, and neither their coming nor
 *       their going signals that the last consumer is gone;</li>
 *   <li>a get answers empty only when no message is ready (or the queue is held), and its
 *       message count is the ready count.</li>
 * </ul>
 */
class QueueStatePropertiesTest {

  /** What happens to a queue: what its clients ask, and what its host reports back. */
  sealed interface Command {
  }

  record Publish() implements Command {
  }

  record Subscribe(int consumer, int prefetch, AckMode mode) implements Command {
  }

  /** Cancels a consumer or a holder. */
  record Cancel(int who) implements Command {
  }

  /** Acks the {@code pick}th delivery {@code who} holds (an unknown tag if it holds none). */
  record Ack(int who, int pick, boolean multiple) implements Command {
  }

  record Nack(int who, int pick, boolean multiple, boolean requeue) implements Command {
  }

  /** An AUTO consumer returns the credit of everything it was handed. */
  record Credit(int consumer) implements Command {
  }

  /** The store confirms the next {@code count} appends. */
  record Stored(int count) implements Command {
  }

  /**
   * The host completes the {@code pick}th page-in in flight, reading the store as it is now:
   * only what the store confirmed is there to read.
   */
  record PagedIn(int pick) implements Command {
  }

  record Get(int holder, AckMode mode) implements Command {
  }

  record Purge() implements Command {
  }

  /** Time passes; nothing tells the queue. */
  record Tick(int millis) implements Command {
  }

  /** The host's expiry timer fires. */
  record Expire() implements Command {
  }

  /** The queue is being handed over. */
  record Hold() implements Command {
  }

  static final int CONSUMERS = 3;
  static final int HOLDERS = 2;

  static String tag(int who) {
    return who < CONSUMERS ? "c" + who : "g" + who;
  }

  @Provide
  Arbitrary<List<Command>> commands() {
    Arbitrary<Integer> consumer = Arbitraries.integers().between(0, CONSUMERS - 1);
    Arbitrary<Integer> holder = Arbitraries.integers().between(CONSUMERS, CONSUMERS + HOLDERS - 1);
    Arbitrary<Integer> anyone = Arbitraries.integers().between(0, CONSUMERS + HOLDERS - 1);
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 7);
    Arbitrary<AckMode> mode = Arbitraries.of(AckMode.class);
    Arbitrary<Boolean> flag = Arbitraries.of(true, false);
    Arbitrary<Command> command = Arbitraries.frequencyOf(
        Tuple.of(120, Arbitraries.just(new Publish())),
        Tuple.of(40, Combinators.combine(consumer, Arbitraries.integers().between(0, 5), mode).as(Subscribe::new)),
        Tuple.of(20, anyone.map(Cancel::new)),
        Tuple.of(60, Combinators.combine(anyone, pick, flag).as(Ack::new)),
        Tuple.of(40, Combinators.combine(anyone, pick, flag, flag).as(Nack::new)),
        Tuple.of(40, consumer.map(Credit::new)),
        Tuple.of(60, Arbitraries.integers().between(1, 4).map(Stored::new)),
        Tuple.of(60, pick.map(PagedIn::new)),
        Tuple.of(60, Combinators.combine(holder, mode).as(Get::new)),
        Tuple.of(10, Arbitraries.just(new Purge())),
        Tuple.of(20, Arbitraries.integers().between(1, 10).map(Tick::new)),
        Tuple.of(10, Arbitraries.just(new Expire())),
        Tuple.of(1, Arbitraries.just(new Hold())));
    return command.list().ofMinSize(20).ofMaxSize(300).withSizeDistribution(RandomDistribution.uniform());
  }

  @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
  void theQueueNeverExceedsCreditNeverLosesNorDuplicatesAndGetsTakeOnlyWhatIsFree(
      @ForAll("commands") List<Command> commands, @ForAll boolean smallWindow, @ForAll boolean deliveryLimit,
      @ForAll boolean deadLetters, @ForAll boolean ttl, @ForAll boolean singleActive) {
    var limits = smallWindow ? new QueueLimits(3, 1 << 20, 2, 10) : QueueLimits.DEFAULT;
    var policy = new QueuePolicy(ttl ? 5 : -1, -1, -1, QueuePolicy.Overflow.DROP_HEAD, deadLetters ? "dlx" : null,
        null, deliveryLimit ? 2 : -1, singleActive, -1);
    var host = new Host(limits, policy);
    for (Command c : commands) {
      host.apply(c);
      host.checkInvariants();
    }
  }

  /** The host's side: the store, and what each consumer and holder holds, as the verticle keeps them. */
  static final class Host {
    final QueueLimits limits;
    long now = 1_000_000;
    final QueueState q;
    final TreeMap<Long, QueuedMessage> store = new TreeMap<>();
    final Set<Long> published = new HashSet<>();
    final Set<Long> settled = new HashSet<>();
    final Map<String, Holding> holdings = new HashMap<>();
    final List<Effect.PageIn> pageIns = new ArrayList<>();
    long lastStored;
    boolean held;

    Host(QueueLimits limits, QueuePolicy policy) {
      this.limits = limits;
      this.q = new QueueState(limits, policy, () -> now, true);
    }

    /** A consumer's or holder's deliveries not settled yet (delivery tag → seq), and an AUTO consumer's credit used. */
    static final class Holding {
      final AckMode mode;
      final int prefetch;
      final boolean holder;
      final LinkedHashMap<Long, Long> unacked = new LinkedHashMap<>();
      int autoInFlight;

      Holding(AckMode mode, int prefetch, boolean holder) {
        this.mode = mode;
        this.prefetch = prefetch;
        this.holder = holder;
      }
    }

    void apply(Command c) {
      if (c instanceof Publish) {
        Result<Enqueued> r = q.enqueue(new Message("", "q", MessageProperties.PERSISTENT, new byte[8]));
        QueuedMessage m = (QueuedMessage) r.reply();
        store.put(m.seq(), m);
        published.add(m.seq());
        carryOut(r, false);
      } else if (c instanceof Subscribe s) {
        String tag = tag(s.consumer());
        if (holdings.containsKey(tag)) {
          assertThrows(JunctionException.class, () -> q.consume(tag, s.prefetch(), s.mode()));
          return;
        }
        Result<Void> r = q.consume(tag, s.prefetch(), s.mode());
        holdings.put(tag, new Holding(s.mode(), limits.prefetch(s.prefetch()), false));
        carryOut(r, false);
      } else if (c instanceof Cancel cancel) {
        String tag = tag(cancel.who());
        Holding gone = holdings.remove(tag);
        boolean lastConsumer = gone != null && !gone.holder && consumers() == 0;
        carryOut(q.cancel(tag), lastConsumer);
      } else if (c instanceof Ack a) {
        settle(a.who(), a.pick(), a.multiple(), (tag, deliveryTag) -> q.ack(tag, deliveryTag, a.multiple()));
      } else if (c instanceof Nack n) {
        settle(n.who(), n.pick(), n.multiple(),
            (tag, deliveryTag) -> q.nack(tag, deliveryTag, n.multiple(), n.requeue()));
      } else if (c instanceof Credit credit) {
        Holding h = holdings.get(tag(credit.consumer()));
        int count = h == null ? 1 : Math.max(1, h.autoInFlight);
        if (h != null) {
          h.autoInFlight = 0;
        }
        carryOut(q.credit(tag(credit.consumer()), count), false);
      } else if (c instanceof Stored s) {
        lastStored = Math.min(lastStored + s.count(), q.nextSeq() - 1);
        carryOut(q.stored(lastStored), false);
      } else if (c instanceof PagedIn p) {
        pagedIn(p.pick());
      } else if (c instanceof Get g) {
        get(tag(g.holder()), g.mode());
      } else if (c instanceof Purge) {
        long ready = q.messagesReady();
        Result<Long> r = q.purge();
        assertEquals(ready, r.reply(), "a purge replies with the ready messages it removed");
        carryOut(r, false);
      } else if (c instanceof Tick t) {
        now += t.millis();
      } else if (c instanceof Expire) {
        carryOut(q.expire(), false);
      } else if (c instanceof Hold) {
        q.hold();
        held = true;
      }
    }

    private void settle(int who, int pick, boolean multiple, Settle settle) {
      String tag = tag(who);
      Holding h = holdings.get(tag);
      if (h == null || h.unacked.isEmpty()) {
        assertThrows(JunctionException.class, () -> settle.apply(tag, 999_999));
        return;
      }
      long deliveryTag = new ArrayList<>(h.unacked.keySet()).get(pick % h.unacked.size());
      boolean cumulative = multiple || h.mode == AckMode.CLIENT;
      int before = h.unacked.size();
      h.unacked.keySet().removeIf(t -> cumulative ? t <= deliveryTag : t == deliveryTag);
      int count = before - h.unacked.size();
      if (h.holder && h.unacked.isEmpty()) {
        holdings.remove(tag);
      }
      Result<Integer> r = settle.apply(tag, deliveryTag);
      assertEquals(count, r.reply(), "an ack or nack replies with what it settled");
      carryOut(r, false);
    }

    private void pagedIn(int pick) {
      if (pageIns.isEmpty()) {
        return;
      }
      Effect.PageIn p = pageIns.remove(pick % pageIns.size());
      var page = new ArrayList<QueuedMessage>();
      long readable = Math.max(p.afterSeq(), Math.min(p.upToSeq(), lastStored));
      for (QueuedMessage m : store.subMap(p.afterSeq(), false, readable, true).values()) {
        if (page.size() == p.limit()) {
          break;
        }
        page.add(q.recovered(m.seq(), m.message(), true, m.expiresAt()));
      }
      carryOut(q.pagedIn(p.generation(), page, p.upToSeq(), page.size() < p.limit()), false);
    }

    private void get(String tag, AckMode mode) {
      Holding h = holdings.get(tag);
      if (h != null && mode != AckMode.AUTO && h.mode != mode) {
        assertThrows(JunctionException.class, () -> q.get(tag, mode));
        return;
      }
      Result<GetReply> r = q.get(tag, mode);
      if (r.reply() instanceof GetReply.Taken t) {
        long seq = t.message().seq();
        handedOut(seq, t.message());
        if (mode == AckMode.AUTO) {
          assertTrue(r.effects().contains(new Effect.Remove(t.message())), "an auto get settles at once");
        } else {
          Holding holder = holdings.computeIfAbsent(tag, k -> new Holding(mode, 0, true));
          assertFalse(holder.unacked.containsKey(t.deliveryTag()), "a delivery tag is used once");
          holder.unacked.put(t.deliveryTag(), seq);
        }
        assertEquals(q.messagesReady(), t.messageCount());
      } else if (r.reply() instanceof GetReply.Empty e) {
        assertEquals(q.messagesReady(), e.messageCount());
        assertTrue(held || q.messagesReady() == 0, "a get answers empty only when nothing is ready");
      } else {
        assertFalse(held);
        assertTrue(q.messagesReady() > 0 && q.windowMessages() == 0, "a get waits for a page-in only of the tail");
      }
      carryOut(r, false);
    }

    /** Carries out effects as the verticle does, checking each one. */
    private void carryOut(Result<?> r, boolean lastConsumerGone) {
      boolean signalled = false;
      for (Effect e : r.effects()) {
        if (e instanceof Effect.Deliver d) {
          assertFalse(held, "a held queue delivers nothing");
          Holding h = holdings.get(d.consumerTag());
          assertTrue(h != null && !h.holder, "deliveries go to consumers only");
          handedOut(d.message().seq(), d.message());
          if (h.mode == AckMode.AUTO) {
            h.autoInFlight++;
          } else {
            assertFalse(h.unacked.containsKey(d.deliveryTag()), "a delivery tag is used once");
            h.unacked.put(d.deliveryTag(), d.message().seq());
          }
        } else if (e instanceof Effect.Remove rm) {
          settled(rm.message().seq());
        } else if (e instanceof Effect.DeadLetter dl) {
          assertTrue(dl.stored());
          settled(dl.message().seq());
        } else if (e instanceof Effect.PageIn p) {
          pageIns.add(p);
        } else if (e instanceof Effect.PurgeStore ps) {
          Set<Long> keep = new HashSet<>();
          for (long k : ps.keep()) {
            keep.add(k);
          }
          assertEquals(heldSeqs(), keep, "a purge keeps exactly the unacked messages");
          for (long seq : new ArrayList<>(store.headMap(ps.upToSeq(), true).keySet())) {
            if (!keep.contains(seq)) {
              settled(seq);
            }
          }
        } else if (e instanceof Effect.LastConsumerGone) {
          signalled = true;
        }
      }
      assertEquals(lastConsumerGone, signalled, "LastConsumerGone when, and only when, the last consumer left");
    }

    /** A message handed to a consumer or a get must be unsettled, unexpired and held by nobody. */
    private void handedOut(long seq, QueuedMessage m) {
      assertTrue(published.contains(seq) && !settled.contains(seq), "handed out " + seq + ", which is settled");
      assertFalse(heldSeqs().contains(seq), "handed out " + seq + ", which is unacked elsewhere");
      assertFalse(m.expiresAt() < now, "handed out " + seq + ", which has expired");
    }

    private void settled(long seq) {
      assertTrue(settled.add(seq), "settled " + seq + " twice");
      assertTrue(store.remove(seq) != null, "removed " + seq + ", which is not stored");
    }

    private Set<Long> heldSeqs() {
      Set<Long> seqs = new HashSet<>();
      for (Holding h : holdings.values()) {
        for (long seq : h.unacked.values()) {
          assertTrue(seqs.add(seq), seq + " is held twice");
        }
      }
      return seqs;
    }

    private long consumers() {
      return holdings.values().stream().filter(h -> !h.holder).count();
    }

    void checkInvariants() {
      for (var entry : holdings.entrySet()) {
        Holding h = entry.getValue();
        int holding = h.mode == AckMode.AUTO ? h.autoInFlight : h.unacked.size();
        assertTrue(h.holder || holding <= h.prefetch, entry.getKey() + " holds " + holding + " over its prefetch "
            + h.prefetch);
      }
      Set<Long> unacked = heldSeqs();
      assertEquals(unacked.size(), q.messagesUnacknowledged());
      Set<Long> live = new HashSet<>(published);
      live.removeAll(settled);
      assertTrue(live.containsAll(unacked), "an unacked message is live");
      assertEquals(live.size(), q.messagesReady() + q.messagesUnacknowledged(),
          "every published message is ready, unacked or settled");
      assertEquals(live, store.keySet(), "the store holds exactly the unsettled messages");
      assertEquals(consumers(), q.consumerCount(), "holders of gets are not counted as consumers");
    }

    @FunctionalInterface
    interface Settle {
      Result<Integer> apply(String tag, long deliveryTag);
    }
  }
}
