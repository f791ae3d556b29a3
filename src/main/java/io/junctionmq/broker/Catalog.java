package io.junctionmq.broker;

import io.junctionmq.async.Serial;
import io.junctionmq.cluster.MetadataEvents;
import io.junctionmq.cluster.Placement;
import io.junctionmq.cluster.QueueDirectory;
import io.junctionmq.cluster.QueueEntry;
import io.junctionmq.cluster.QueueOwnership;
import io.junctionmq.cluster.RemoteQueue;
import io.junctionmq.cluster.Vhost;
import io.junctionmq.model.Binding;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Queue;
import io.junctionmq.model.QueueArguments;
import io.junctionmq.security.UserDatabase;
import io.junctionmq.security.VhostLimits;
import io.junctionmq.store.MetadataStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declarations: vhosts, exchanges, queues and bindings are checked against the rules
 * (RabbitMQ's), written to the {@link MetadataStore} before they take effect in this node's
 * {@link QueueDirectory}, and announced to the other nodes. Changes run one at a time on the
 * broker's serial. A new queue is owned by the least loaded node ({@link Placement}); an
 * exclusive one by this node, for its connection. A vhost's {@code max-queues} limit counts
 * every queue of the vhost in the cluster, as this node knows them.
 */
final class Catalog {
  private static final Logger log = LoggerFactory.getLogger(Catalog.class);

  private final String self;
  private final MetadataStore metadata;
  private final QueueDirectory directory;
  private final QueueOwnership ownership;
  private final Placement placement;
  private final MetadataEvents events;
  private final QueueExpiry expiry;
  private final Serial serial;
  /** The vhost limits, and the audit trail that vhost changes are logged to. */
  private final UserDatabase users;

  Catalog(MetadataStore metadata, QueueDirectory directory, QueueOwnership ownership, Placement placement,
          MetadataEvents events, QueueExpiry expiry, Serial serial, UserDatabase users) {
    this.self = ownership.self();
    this.metadata = metadata;
    this.directory = directory;
    this.ownership = ownership;
    this.placement = placement;
    this.events = events;
    this.expiry = expiry;
    this.serial = serial;
    this.users = users;
  }

  // ---- vhosts ----

  /** Creates the vhost unless it exists; completes with whether it did. {@code by}: who (null: the application). */
  Future<Boolean> declareVhost(String name, String by) {
    return serial.submit(() -> {
      if (directory.findVhost(name) != null) {
        return Future.succeededFuture(false);
      }
      return metadata.saveVhost(name).map(v -> {
        directory.addVhost(name);
        events.vhostDeclared(name);
        users.audit().changed("vhost.changed", "created", by, Map.of("vhost", name));
        return true;
      });
    });
  }

  Future<Void> deleteVhost(String name, String by) {
    return serial.submit(() -> {
      Vhost h = directory.vhost(name);
      String reason = "vhost '" + name + "' deleted";
      var deletions = new ArrayList<Future<Long>>();
      for (QueueEntry q : List.copyOf(h.queues())) {
        deletions.add(q.ownedHere() ? removeOwned(h, q, reason)
            : ownership.deleteOnOwner(q, false, false).onSuccess(n -> ownership.forget(q.id(), reason)));
      }
      ownership.forgetVhost(name);
      return Future.join(deletions).compose(v -> metadata.deleteVhost(name))
          .onSuccess(v -> {
            events.vhostDeleted(name);
            users.audit().changed("vhost.changed", "deleted", by, Map.of("vhost", name));
          });
    });
  }

  // ---- exchanges ----

  Future<Exchange> declareExchange(Exchange exchange) {
    return serial.submit(() -> {
      Vhost h = directory.vhost(exchange.vhost());
      Exchange existing = h.topology().exchange(exchange.name());
      if (existing != null) {
        if (!existing.equivalent(exchange)) {
          throw ErrorCode.otherAttributes(existing);
        }
        return Future.succeededFuture(existing);
      }
      if (Vhost.reserved(exchange.name())) {
        throw ErrorCode.reservedName("exchange", exchange.name());
      }
      if (exchange.name().isBlank() || exchange.name().length() > 255) {
        throw ErrorCode.INVALID_ARGUMENT.error("an exchange name must have 1 to 255 characters");
      }
      return metadata.saveExchange(exchange).map(v -> {
        h.topology().putExchange(exchange);
        events.exchangeDeclared(exchange);
        return exchange;
      });
    });
  }

  Future<Void> deleteExchange(String vhost, String name, boolean ifUnused) {
    return serial.submit(() -> {
      Vhost h = directory.vhost(vhost);
      requireExchange(h, name);
      if (Vhost.reserved(name)) {
        throw ErrorCode.ACCESS_REFUSED.error("exchange '" + name + "' is predeclared and cannot be deleted");
      }
      if (ifUnused && !h.topology().bindingsFrom(name).isEmpty()) {
        throw ErrorCode.IN_USE.error("exchange '" + name + "' has bindings");
      }
      return removeExchange(h, name);
    });
  }

  private Future<Void> removeExchange(Vhost h, String name) {
    return metadata.deleteExchange(h.name(), name).onSuccess(v -> {
      h.topology().removeExchange(name);
      events.exchangeDeleted(h.name(), name);
    });
  }

  /** An auto-delete exchange goes when its last binding does. */
  private Future<Void> autoDeleteExchange(Vhost h, String name) {
    Exchange x = h.topology().exchange(name);
    if (x == null || !x.autoDelete() || !h.topology().bindingsFrom(name).isEmpty()) {
      return Future.succeededFuture();
    }
    return removeExchange(h, name);
  }

  static void requireExchange(Vhost h, String name) {
    if (h.topology().exchange(name) == null) {
      throw ErrorCode.noExchange(h.name(), name);
    }
  }

  // ---- queues ----

  /** Declares a queue; {@code connection} is the declaring connection (null without one). */
  Future<QueueInfo> declareQueue(Queue queue, String connection) {
    return serial.submit(() -> {
      Vhost h = directory.vhost(queue.vhost());
      QueueEntry existing = h.queue(queue.name());
      if (existing != null) {
        checkAccess(existing, connection);
        if (!existing.queue().equivalent(queue)) {
          throw ErrorCode.otherAttributes(existing.queue());
        }
        if (existing.ownedHere()) {
          expiry.used(existing);
        }
        return Future.succeededFuture(info(existing));
      }
      validate(queue, connection);
      Integer max = users.limits(h.name()).map(VhostLimits::maxQueues).orElse(null);
      if (max != null && h.queues().size() >= max) {
        throw ErrorCode.LIMIT_REACHED.error("cannot declare queue '" + queue.name() + "': the queue limit of vhost '"
            + h.name() + "' (" + max + ") is reached");
      }
      String owner = queue.exclusive() ? self : placement.newQueue();
      long started = System.nanoTime();
      String exclusiveOwner = queue.exclusive() ? connection : null;
      return metadata.saveQueue(queue)
          .compose(id -> owner.equals(self) ? ownHere(id, queue, exclusiveOwner, started)
              : ownership.ownOn(owner, id, queue).recover(e -> {
                log.warn("queue {}: node {} did not take it ({}); owning it here", queue.name(), owner, e.getMessage());
                return ownHere(id, queue, null, started);
              }))
          .map(Catalog::info);
    });
  }

  private Future<QueueEntry> ownHere(long id, Queue queue, String exclusiveOwner, long started) {
    return ownership.own(id, queue, exclusiveOwner, null)
        .onSuccess(q -> ownership.logOwned(q, "declared", null, started));
  }

  /** Deletes a queue, on its owner; {@code connection} is the deleting connection (null without one). */
  Future<Long> deleteQueue(String vhost, String name, boolean ifUnused, boolean ifEmpty, String connection) {
    return serial.submit(() -> {
      QueueEntry q = directory.queue(vhost, name);
      checkAccess(q, connection);
      String reason = "queue '" + name + "' deleted";
      if (!q.ownedHere()) {
        return ownership.deleteOnOwner(q, ifUnused, ifEmpty).onSuccess(n -> ownership.forget(q.id(), reason));
      }
      var stats = q.stats();
      if (ifUnused && stats.consumers() > 0) {
        throw ErrorCode.IN_USE.error("queue '" + name + "' has " + stats.consumers() + " consumers");
      }
      if (ifEmpty && stats.messages() > 0) {
        throw ErrorCode.IN_USE.error("queue '" + name + "' has " + stats.messages() + " messages");
      }
      return removeOwned(directory.vhost(vhost), q, reason);
    });
  }

  /** Deletes a queue this node owns: its messages, its record, bindings to it, and exchanges left unbound. */
  private Future<Long> removeOwned(Vhost h, QueueEntry q, String reason) {
    Set<String> sources = new LinkedHashSet<>();
    for (Binding b : h.topology().bindingsTo(Binding.DestinationType.QUEUE, q.name())) {
      sources.add(b.source());
    }
    return ownership.delete(q, reason)
        .compose(count -> metadata.deleteQueue(q.id())
            .compose(v -> {
              events.queueDeleted(q, reason);
              Future<Void> chain = Future.succeededFuture();
              for (String source : sources) {
                chain = chain.compose(x -> autoDeleteExchange(h, source));
              }
              return chain;
            })
            .map(count));
  }

  /** Deletes the exclusive queues of a connection that closed. */
  Future<Void> deleteExclusiveQueues(String connection) {
    var deletions = new ArrayList<Future<Long>>();
    for (Vhost h : directory.vhosts()) {
      for (QueueEntry q : h.queues()) {
        if (connection.equals(q.exclusiveOwner())) {
          // An auto-delete queue may be going already, with its last consumer: gone is fine.
          deletions.add(deleteQueue(h.name(), q.name(), false, false, connection)
              .recover(e -> e instanceof JunctionException j && j.code() == ErrorCode.NOT_FOUND
                  ? Future.succeededFuture(0L) : Future.failedFuture(e)));
        }
      }
    }
    return Future.join(deletions).mapEmpty();
  }

  /** The last consumer of a queue owned here left: an auto-delete queue goes, an x-expires one starts counting. */
  void lastConsumerGone(String vhost, String name) {
    Vhost h = directory.findVhost(vhost);
    QueueEntry q = h == null ? null : h.queue(name);
    if (q == null || !q.ownedHere()) {
      return;
    }
    if (q.queue().autoDelete()) {
      deleteQueue(vhost, name, false, false, q.exclusiveOwner())
          .onFailure(e -> log.warn("auto-delete of queue {} failed: {}", name, e.getMessage()));
    } else {
      expiry.used(q);
    }
  }

  /** {@code x-expires} ran out: the queue goes, unless it changed in the meantime. */
  void expired(QueueEntry q) {
    serial.submit(() -> {
      Vhost h = directory.findVhost(q.vhost());
      if (h == null || h.queue(q.name()) != q || q.stats().consumers() > 0) {
        return Future.<Void>succeededFuture();
      }
      log.info("queue {} in vhost {} was unused for its x-expires; deleting it", q.name(), q.vhost());
      return removeOwned(h, q, "queue '" + q.name() + "' expired (x-expires)").<Void>mapEmpty();
    }).onFailure(e -> log.warn("expiring queue {} failed: {}", q.name(), e.getMessage()));
  }

  private static void validate(Queue queue, String connection) {
    if (queue.name().isBlank() || queue.name().length() > 255) {
      throw ErrorCode.INVALID_ARGUMENT.error("a queue name must have 1 to 255 characters");
    }
    if (Vhost.reserved(queue.name())) {
      throw ErrorCode.reservedName("queue", queue.name());
    }
    if (queue.exclusive() && connection == null) {
      throw ErrorCode.INVALID_ARGUMENT.error("an exclusive queue needs a connection to own it");
    }
    QueueArguments parsed;
    try {
      parsed = QueueArguments.parse(queue.arguments());
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_ARGUMENT.error(e.getMessage());
    }
    if (parsed.maxPriority() != null) {
      throw ErrorCode.NOT_IMPLEMENTED.error("the queue argument x-max-priority is not supported yet");
    }
  }

  /** Fails RESOURCE_LOCKED when {@code q} is exclusive to another connection than {@code connection}. */
  static void checkAccess(QueueEntry q, String connection) {
    if (q.exclusiveOwner() != null && !q.exclusiveOwner().equals(connection)) {
      throw ErrorCode.exclusiveToAnother(q.name());
    }
  }

  /** A queue's info; for a queue owned elsewhere, with the counts its owner gives now (or last gave). */
  Future<QueueInfo> queueInfo(String vhost, String name) {
    QueueEntry q = directory.queue(vhost, name);
    if (q.link() instanceof RemoteQueue r) {
      return r.fetchStats().map(s -> info(q)).recover(e -> Future.succeededFuture(info(q)));
    }
    return Future.succeededFuture(info(q));
  }

  static QueueInfo info(QueueEntry q) {
    return new QueueInfo(q.queue(), q.id(), q.owner(), q.stats());
  }

  // ---- bindings ----

  Future<Void> bind(Binding binding) {
    return serial.submit(() -> {
      Vhost h = directory.vhost(binding.vhost());
      checkBindingEnds(h, binding);
      if (h.topology().bindings().contains(binding)) {
        return Future.succeededFuture();
      }
      return metadata.saveBinding(binding).onSuccess(v -> {
        h.topology().addBinding(binding);
        events.bound(binding);
      });
    });
  }

  Future<Void> unbind(Binding binding) {
    return serial.submit(() -> {
      Vhost h = directory.vhost(binding.vhost());
      checkBindingEnds(h, binding);
      if (!h.topology().bindings().contains(binding)) {
        return Future.succeededFuture();
      }
      return metadata.deleteBinding(binding).compose(v -> {
        h.topology().removeBinding(binding);
        events.unbound(binding);
        return autoDeleteExchange(h, binding.source());
      });
    });
  }

  private static void checkBindingEnds(Vhost h, Binding b) {
    if (b.source().isEmpty()) {
      throw ErrorCode.ACCESS_REFUSED.error("the default exchange cannot be bound");
    }
    requireExchange(h, b.source());
    if (!h.hasDestination(b)) {
      throw b.destinationType() == Binding.DestinationType.QUEUE ? ErrorCode.noQueue(h.name(), b.destination())
          : ErrorCode.noExchange(h.name(), b.destination());
    }
  }
}
