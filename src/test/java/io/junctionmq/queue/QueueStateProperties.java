package io.junctionmq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random command sequences against the queue state machine, with the host's side played by a
 * model that keeps the stores: no consumer ever holds more than its prefetch, every message is
 * delivered or still in the queue (none lost, none duplicated while unsettled).
 */
class QueueStateProperties {

  record Cmd(int kind, int consumer, int arg, boolean flag) {
  }

  @Provide
  Arbitrary<List<Cmd>> commands() {
    Arbitrary<Cmd> cmd = net.jqwik.api.Combinators.combine(
        Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(0, 5), Arbitraries.of(true, false)).as(Cmd::new);
    return cmd.list().ofMinSize(1).ofMaxSize(200);
  }

  @Property(tries = 300)
  void creditIsNeverExceededAndNoMessageIsLost(@ForAll("commands") List<Cmd> cmds,
                                               @ForAll boolean smallWindow) {
    var limits = smallWindow ? new QueueLimits(3, 1 << 20, 2, 10) : QueueLimits.DEFAULT;
    var q = new QueueState(limits, true);
    var store = new TreeMap<Long, QueuedMessage>();
    var prefetch = new HashMap<String, Integer>();
    var modes = new HashMap<String, AckMode>();
    var held = new HashMap<String, LinkedHashMap<Long, Long>>();
    var autoInFlight = new HashMap<String, Integer>();
    Set<Long> published = new HashSet<>();
    Set<Long> settled = new HashSet<>();
    List<Effect.PageIn> pendingPageIns = new ArrayList<>();
    long lastStored = 0;

    for (Cmd c : cmds) {
      String id = "c" + c.consumer();
      long target = -1;
      var heldNow = held.get(id);
      if (c.kind() == 3 && heldNow != null && !heldNow.isEmpty()) {
        target = heldNow.keySet().stream().skip(c.arg() % heldNow.size()).findFirst().orElseThrow();
      }
      List<Effect> effects;
      try {
        effects = switch (c.kind()) {
          case 0, 1 -> q.enqueue(new Message("", "q", MessageProperties.PERSISTENT, new byte[8]));
          case 2 -> {
            if (prefetch.containsKey(id)) {
              yield q.cancel(id);
            }
            AckMode mode = AckMode.values()[c.arg() % 3];
            yield q.consume(id, c.arg(), mode);
          }
          case 3 -> {
            if (target < 0) {
              yield List.<Effect>of();
            }
            long tag = target;
            yield c.flag() ? q.ack(id, tag, c.arg() % 2 == 0) : q.nack(id, tag, c.arg() % 2 == 0, c.arg() % 3 != 0);
          }
          case 4 -> q.credit(id, Math.max(1, autoInFlight.getOrDefault(id, 0)));
          case 5 -> {
            lastStored = q.nextSeq() - 1;
            yield q.stored(lastStored);
          }
          case 6 -> {
            if (pendingPageIns.isEmpty()) {
              yield List.<Effect>of();
            }
            var p = pendingPageIns.remove(0);
            var page = new ArrayList<QueuedMessage>();
            for (var m : store.subMap(p.afterSeq(), false, p.upToSeq(), true).values()) {
              if (page.size() == p.limit()) {
                break;
              }
              page.add(q.recovered(m.seq(), m.message(), true, QueuePolicy.NEVER));
            }
            yield q.pagedIn(p.generation(), page, p.upToSeq(), page.size() < p.limit());
          }
          default -> c.flag() ? q.purge() : List.<Effect>of();
        };
      } catch (JunctionException e) {
        continue;
      }
      // The host's part: track effects as the verticle would.
      if (c.kind() == 2) {
        if (prefetch.containsKey(id)) {
          var h = held.remove(id);
          prefetch.remove(id);
          modes.remove(id);
          autoInFlight.remove(id);
        } else {
          prefetch.put(id, c.arg() <= 0 ? limits.defaultPrefetch() : Math.min(c.arg(), limits.maxPrefetch()));
          modes.put(id, AckMode.values()[c.arg() % 3]);
          held.put(id, new LinkedHashMap<>());
          autoInFlight.put(id, 0);
        }
      }
      if (target >= 0) {
        long settledUpTo = target;
        boolean cumulative = c.arg() % 2 == 0 || modes.get(id) == AckMode.CLIENT;
        held.get(id).keySet().removeIf(tag -> cumulative ? tag <= settledUpTo : tag == settledUpTo);
      }
      if (c.kind() == 4 && autoInFlight.containsKey(id)) {
        autoInFlight.put(id, 0);
      }
      for (Effect e : effects) {
        if (e instanceof Effect.Persist p) {
          store.put(p.message().seq(), p.message());
          published.add(p.message().seq());
        } else if (e instanceof Effect.Remove r) {
          store.remove(r.message().seq());
          settled.add(r.message().seq());
        } else if (e instanceof Effect.PurgeStore ps) {
          Set<Long> keep = new HashSet<>();
          for (long k : ps.keep()) {
            keep.add(k);
          }
          store.headMap(ps.upToSeq(), true).keySet().removeIf(s -> !keep.contains(s));
          published.removeIf(s -> s <= ps.upToSeq() && !keep.contains(s) && !settled.contains(s));
          pendingPageIns.clear();
        } else if (e instanceof Effect.PageIn p) {
          pendingPageIns.add(p);
        } else if (e instanceof Effect.Deliver d) {
          if (modes.get(d.consumerId()) == AckMode.AUTO) {
            autoInFlight.merge(d.consumerId(), 1, Integer::sum);
          } else {
            held.get(d.consumerId()).put(d.deliveryTag(), d.message().seq());
          }
        }
      }
      for (var entry : prefetch.entrySet()) {
        int holding = modes.get(entry.getKey()) == AckMode.AUTO
            ? autoInFlight.get(entry.getKey()) : held.get(entry.getKey()).size();
        assertTrue(holding <= entry.getValue(), "consumer " + entry.getKey() + " holds " + holding
            + " over its prefetch " + entry.getValue());
      }
      long unacked = held.values().stream().mapToLong(Map::size).sum();
      assertEquals(unacked, q.messagesUnacknowledged());
      long live = published.stream().filter(s -> !settled.contains(s)).count();
      assertEquals(live, q.messagesReady() + q.messagesUnacknowledged(),
          "every published message is ready, unacked or settled");
      assertEquals(live, store.size(), "the store holds exactly the unsettled messages");
    }
  }

}
