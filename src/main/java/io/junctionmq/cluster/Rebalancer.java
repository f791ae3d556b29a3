package io.junctionmq.cluster;

import io.junctionmq.async.Serial;
import io.junctionmq.model.QueueMove;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves queues to the least loaded nodes. Any node may ask for a rebalance (one that joined
 * and is ready, or {@code POST /api/rebalance}): it tells every node, and each computes the
 * same {@link RebalancePlan} from its view of the cluster and hands over only the queues of
 * the plan that it owns, a few at a time, by the graceful hand-over of a stop. So no two
 * nodes ever move the same queue, and no node plans for another. A node runs one rebalance at
 * a time; one asked for meanwhile runs after it, from the view of then.
 */
public final class Rebalancer {
  private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);

  /**
   * Whether a node that joins asks for a rebalance ({@code auto}), after how long, and how
   * many queues a node hands over at once.
   */
  public record Settings(boolean auto, Duration delay, int concurrency) {
    public static final Settings DEFAULTS = new Settings(true, Duration.ofSeconds(5), 4);
  }

  private final Membership membership;
  private final QueueDirectory directory;
  private final QueueOwnership ownership;
  private final MetadataEvents events;
  private final Serial serial;
  private final Settings settings;
  private boolean running;
  private String again;

  Rebalancer(Membership membership, QueueDirectory directory, QueueOwnership ownership, MetadataEvents events,
             Serial serial, Settings settings) {
    this.membership = membership;
    this.directory = directory;
    this.ownership = ownership;
    this.events = events;
    this.serial = serial;
    this.settings = settings;
  }

  Settings settings() {
    return settings;
  }

  /** The moves a rebalance would make now, as this node sees the cluster. */
  public List<QueueMove> plan() {
    var placed = new ArrayList<RebalancePlan.Placed>();
    for (QueueEntry q : directory.queues()) {
      if (q.owner() != null) {
        placed.add(new RebalancePlan.Placed(q.vhost(), q.name(), q.owner(),
            q.queue().durable() && !q.queue().exclusive()));
      }
    }
    return RebalancePlan.of(membership.members(), placed);
  }

  /** Asks every node to rebalance ({@code why}: joined, api); returns the plan as this node sees it now. */
  public List<QueueMove> request(String why) {
    List<QueueMove> plan = plan();
    log.atInfo().addKeyValue("event", "rebalance.requested").addKeyValue("node", membership.self())
        .addKeyValue("cause", why).addKeyValue("moves", plan.size())
        .log("node {} asks for a rebalance ({}): {} queues to move", membership.self(), why, plan.size());
    events.rebalance();
    return plan;
  }

  /** Node {@code by} asked for a rebalance: this node moves its share, after the one it is running. */
  synchronized void requested(String by) {
    if (running) {
      again = by;
      return;
    }
    running = true;
    run(by).onComplete(ar -> next());
  }

  private synchronized void next() {
    running = false;
    if (again != null) {
      String by = again;
      again = null;
      requested(by);
    }
  }

  private Future<Void> run(String by) {
    String self = membership.self();
    List<QueueMove> all = plan();
    List<QueueMove> mine = all.stream().filter(m -> m.from().equals(self)).toList();
    if (mine.isEmpty()) {
      log.debug("rebalance asked for by node {}: nothing to move from this node ({} moves planned)", by, all.size());
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    log.atInfo().addKeyValue("event", "rebalance.started").addKeyValue("node", self).addKeyValue("requested_by", by)
        .addKeyValue("moves", mine.size()).addKeyValue("planned", all.size())
        .log("rebalance: node {} hands over {} of the {} queues to move", self, mine.size(), all.size());
    int[] moved = new int[1];
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < mine.size(); i += settings.concurrency()) {
      List<QueueMove> batch = mine.subList(i, Math.min(mine.size(), i + settings.concurrency()));
      chain = chain.compose(v -> serial.submit(() -> moveAll(batch)).map(n -> {
        moved[0] += n;
        return null;
      }));
    }
    return chain.onComplete(ar -> log.atInfo().addKeyValue("event", "rebalance.finished").addKeyValue("node", self)
        .addKeyValue("moves", mine.size()).addKeyValue("moved", moved[0])
        .addKeyValue("failed", mine.size() - moved[0])
        .addKeyValue("elapsed_ms", (System.nanoTime() - started) / 1_000_000)
        .log("rebalance: node {} handed over {} of {} queues", self, moved[0], mine.size()));
  }

  /** Hands over the queues of {@code batch} at once; completes with how many moved. Runs on the serial. */
  private Future<Integer> moveAll(List<QueueMove> batch) {
    var handOvers = new ArrayList<Future<Boolean>>();
    for (QueueMove m : batch) {
      Vhost h = directory.findVhost(m.vhost());
      QueueEntry q = h == null ? null : h.queue(m.queue());
      // Deleted, moved or the target gone since the plan, or this node stopping: it stays.
      if (q != null && q.ownedHere() && membership.members().contains(m.to()) && !ownership.stopping()) {
        handOvers.add(ownership.handOver(q, m.to()));
      }
    }
    return Future.join(handOvers).map(v -> (int) handOvers.stream().filter(f -> f.result()).count());
  }
}
