package io.junctionmq.cluster;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.store.MetadataStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's {@link QueueDirectory} in step with the record: loads it at start,
 * applies the other nodes' {@link MetadataEvents} as they come, and re-reads the whole
 * record from PostgreSQL now and then (anti-entropy) for what an event missed. Runs on the
 * broker's serial.
 */
public final class MetadataReplica {
  private static final Logger log = LoggerFactory.getLogger(MetadataReplica.class);

  private final String self;
  private final MetadataStore metadata;
  private final QueueDirectory directory;
  private final QueueOwnership ownership;

  public MetadataReplica(MetadataStore metadata, QueueDirectory directory, QueueOwnership ownership) {
    this.self = ownership.self();
    this.metadata = metadata;
    this.directory = directory;
    this.ownership = ownership;
  }

  /**
   * At start: the stored vhosts (and {@code /}, stored if it is not) and exchanges. {@code /}
   * is saved whatever this node has heard: what the directory holds is not proof that it is
   * committed, and the default user's permissions need it committed. A node that starts
   * {@code alone} starts the cluster again: the non-durable exchanges died with the last
   * node, as in RabbitMQ, and are deleted with their bindings.
   */
  public Future<Void> loadTopology(MetadataStore.Metadata stored, boolean alone) {
    stored.vhosts().forEach(directory::addVhost);
    Future<Void> root = stored.vhosts().contains("/") ? Future.succeededFuture()
        : metadata.saveVhost("/").onSuccess(v -> directory.addVhost("/"));
    return root.compose(v -> {
      Future<Void> chain = Future.succeededFuture();
      for (Exchange e : stored.exchanges()) {
        Vhost h = directory.findVhost(e.vhost());
        if (h == null || Vhost.reserved(e.name())) {
          continue;
        }
        if (alone && !e.durable()) {
          chain = chain.compose(x -> metadata.deleteExchange(e.vhost(), e.name()));
        } else {
          h.topology().putExchange(e);
        }
      }
      return chain;
    });
  }

  /** At start, once the queues are known: the stored bindings whose ends exist. */
  public void loadBindings(MetadataStore.Metadata stored) {
    for (Binding b : stored.bindings()) {
      Vhost h = directory.findVhost(b.vhost());
      if (h != null && h.topology().exchange(b.source()) != null && h.hasDestination(b)) {
        h.topology().addBinding(b);
      }
    }
  }

  /** Applies another node's event; this node's own are ignored. */
  void apply(JsonObject e) {
    if (self.equals(e.getString("origin"))) {
      return;
    }
    String event = e.getString("event");
    switch (event) {
      case MetadataEvents.VHOST -> directory.addVhost(e.getString("name"));
      case MetadataEvents.VHOST_DELETED -> ownership.forgetVhost(e.getString("name"));
      default -> {
        Vhost h = directory.findVhost(e.getString("vhost"));
        if (h != null) {
          apply(h, event, e);
        }
      }
    }
  }

  private void apply(Vhost h, String event, JsonObject e) {
    switch (event) {
      case MetadataEvents.EXCHANGE -> h.topology().putExchange(MetadataEvents.exchange(e));
      case MetadataEvents.EXCHANGE_DELETED -> h.topology().removeExchange(e.getString("name"));
      case MetadataEvents.QUEUE -> located(e);
      case MetadataEvents.QUEUE_DELETED -> ownership.forget(e.getLong("id"), e.getString("reason"));
      case MetadataEvents.BINDING -> {
        Binding b = MetadataEvents.binding(e);
        if (h.topology().exchange(b.source()) != null && h.hasDestination(b)) {
          h.topology().addBinding(b);
        }
      }
      case MetadataEvents.BINDING_DELETED -> h.topology().removeBinding(MetadataEvents.binding(e));
      default -> log.debug("ignoring metadata event {}", event);
    }
  }

  /** A queue declared, or owned by another node now: this node's view follows, and its consumers go there. */
  private void located(JsonObject e) {
    long id = e.getLong("id");
    String owner = e.getString("owner");
    long epoch = e.getLong("epoch");
    QueueEntry known = directory.queue(id);
    if (known != null && known.epoch() >= epoch) {
      return;
    }
    if (known != null && known.ownedHere()) {
      ownership.lost(known, "node " + owner + " took it over at epoch " + epoch);
    }
    directory.put(QueueEntry.ownedBy(id, MetadataEvents.queue(e), e.getString("exclusive_owner"),
        ownership.remote(owner, id, epoch)));
  }

  /**
   * Anti-entropy: reads the whole record from PostgreSQL and makes this node's view match it
   * (what an event missed while this node was paused or cut off: a queue declared or deleted,
   * a binding). Queues this node owns are left alone.
   */
  public Future<Void> resync() {
    return metadata.load().compose(md -> metadata.leases().map(leases -> {
      var leaseOf = new HashMap<Long, MetadataStore.Lease>();
      leases.forEach(l -> leaseOf.put(l.queueId(), l));
      resyncVhosts(md);
      var storedExchanges = new HashSet<String>();
      for (var e : md.exchanges()) {
        Vhost h = directory.findVhost(e.vhost());
        if (h != null && !Vhost.reserved(e.name())) {
          storedExchanges.add(e.vhost() + '\u0000' + e.name());
          if (!e.equals(h.topology().exchange(e.name()))) {
            h.topology().putExchange(e);
          }
        }
      }
      var storedQueues = resyncQueues(md, leaseOf);
      for (Vhost h : directory.vhosts()) {
        for (var e : List.copyOf(h.topology().exchanges())) {
          if (!Vhost.reserved(e.name()) && !storedExchanges.contains(h.name() + '\u0000' + e.name())) {
            h.topology().removeExchange(e.name());
          }
        }
        for (var q : List.copyOf(h.queues())) {
          if (!q.ownedHere() && !storedQueues.contains(q.id())) {
            ownership.forget(q.id(), "queue '" + q.name() + "' was deleted");
          }
        }
        resyncBindings(h, md);
      }
      return null;
    }));
  }

  private void resyncVhosts(MetadataStore.Metadata md) {
    var stored = new HashSet<>(md.vhosts());
    stored.add("/");
    stored.forEach(directory::addVhost);
    for (String name : directory.vhostNames()) {
      if (!stored.contains(name)) {
        ownership.forgetVhost(name);
      }
    }
  }

  /** Records the stored queues owned elsewhere that this node did not know; says which ids are stored. */
  private HashSet<Long> resyncQueues(MetadataStore.Metadata md, Map<Long, MetadataStore.Lease> leaseOf) {
    var stored = new HashSet<Long>();
    for (var sq : md.queues()) {
      stored.add(sq.id());
      MetadataStore.Lease lease = leaseOf.get(sq.id());
      if (directory.findVhost(sq.queue().vhost()) != null && directory.queue(sq.id()) == null && lease != null
          && lease.owner() != null && !lease.owner().equals(self)) {
        String exclusiveOwner = sq.queue().exclusive() ? "connection on node " + lease.owner() : null;
        directory.put(QueueEntry.ownedBy(sq.id(), sq.queue(), exclusiveOwner,
            ownership.remote(lease.owner(), sq.id(), lease.epoch())));
      }
    }
    return stored;
  }

  private void resyncBindings(Vhost h, MetadataStore.Metadata md) {
    var stored = new HashSet<Binding>();
    md.bindings().stream().filter(b -> b.vhost().equals(h.name())).forEach(stored::add);
    for (Binding b : h.topology().bindings()) {
      if (!stored.contains(b)) {
        h.topology().removeBinding(b);
      }
    }
    for (Binding b : stored) {
      if (h.topology().exchange(b.source()) != null && h.hasDestination(b)) {
        h.topology().addBinding(b);
      }
    }
  }
}
