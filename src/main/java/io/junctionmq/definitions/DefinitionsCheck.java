package io.junctionmq.definitions;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.QueueInfo;
import io.junctionmq.model.Binding;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.Queue;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a document against the broker as it is, before anything is applied: every reference
 * (a permission's user and vhost, a binding's source and destination) names something in the
 * document or in the broker, and nothing in the document redeclares an existing exchange or
 * queue (or one earlier in the document) with other attributes. Fails INVALID_ARGUMENT naming
 * the field; an object already there as declared is fine (a re-import changes nothing).
 */
final class DefinitionsCheck {
  /** The exchanges every vhost has from its creation. */
  static final Set<String> PREDECLARED = Set.of("amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match");

  private final Broker broker;
  private final Definitions d;
  private final Set<String> users = new HashSet<>();
  private final Set<String> vhosts = new HashSet<>();
  private final Map<String, Exchange> exchanges = new HashMap<>();
  private final Map<String, Queue> queues = new HashMap<>();

  private DefinitionsCheck(Broker broker, Definitions d) {
    this.broker = broker;
    this.d = d;
  }

  static void check(Broker broker, Definitions d) {
    new DefinitionsCheck(broker, d).run();
  }

  private void run() {
    d.users().forEach(u -> users.add(u.name()));
    vhosts.addAll(d.vhosts());
    if (d.vhost() != null && !broker.vhosts().contains(d.vhost())) {
      throw ErrorCode.noVhost(d.vhost());
    }
    for (int i = 0; i < d.permissions().size(); i++) {
      var p = d.permissions().get(i);
      user("permissions[" + i + "].user", p.user());
      vhost("permissions[" + i + "].vhost", p.vhost());
    }
    for (int i = 0; i < d.topicPermissions().size(); i++) {
      var p = d.topicPermissions().get(i);
      user("topic_permissions[" + i + "].user", p.user());
      vhost("topic_permissions[" + i + "].vhost", p.vhost());
    }
    for (int i = 0; i < d.vhostLimits().size(); i++) {
      vhost("parameters[" + i + "].vhost", d.vhostLimits().get(i).vhost());
    }
    for (int i = 0; i < d.exchanges().size(); i++) {
      exchange("exchanges[" + i + "]", d.exchanges().get(i));
    }
    for (int i = 0; i < d.queues().size(); i++) {
      queue("queues[" + i + "]", d.queues().get(i));
    }
    for (int i = 0; i < d.bindings().size(); i++) {
      binding("bindings[" + i + "]", d.bindings().get(i));
    }
  }

  private void user(String path, String name) {
    if (!users.contains(name) && broker.users().user(name).isEmpty()) {
      throw Fields.error(path, "names user '" + name + "', which is neither in the definitions nor in the broker");
    }
  }

  private void vhost(String path, String name) {
    if (!vhosts.contains(name) && !broker.vhosts().contains(name)) {
      throw Fields.error(path, "names vhost '" + name + "', which is neither in the definitions nor in the broker");
    }
  }

  private void exchange(String path, Exchange e) {
    vhost(path + ".vhost", e.vhost());
    Exchange before = exchanges.get(key(e.vhost(), e.name()));
    Exchange existing = before != null ? before : existingExchange(e.vhost(), e.name()).orElse(null);
    if (existing != null && !existing.equivalent(e)) {
      throw Fields.error(path, "redeclares exchange '" + e.name() + "' in vhost '" + e.vhost() + "' with other "
          + "attributes than " + (before != null ? "earlier in the definitions" : "the broker's") + " (type "
          + existing.type().wireName() + ", durable " + existing.durable() + ", auto_delete " + existing.autoDelete()
          + ", internal " + existing.internal() + ", arguments " + existing.arguments() + ")");
    }
    if (existing == null && (e.name().isEmpty() || e.name().startsWith("amq."))) {
      throw Fields.error(path + ".name", "is '" + e.name() + "': the default exchange and names starting 'amq.' "
          + "are reserved");
    }
    exchanges.put(key(e.vhost(), e.name()), e);
  }

  private void queue(String path, Queue q) {
    vhost(path + ".vhost", q.vhost());
    Queue before = queues.get(key(q.vhost(), q.name()));
    Queue existing = before != null ? before : existingQueue(q.vhost(), q.name()).orElse(null);
    if (existing != null && !existing.equivalent(q)) {
      throw Fields.error(path, "redeclares queue '" + q.name() + "' in vhost '" + q.vhost() + "' with other "
          + "attributes than " + (before != null ? "earlier in the definitions" : "the broker's") + " (durable "
          + existing.durable() + ", exclusive " + existing.exclusive() + ", auto_delete " + existing.autoDelete()
          + ", arguments " + existing.arguments() + ")");
    }
    queues.put(key(q.vhost(), q.name()), q);
  }

  private void binding(String path, Binding b) {
    vhost(path + ".vhost", b.vhost());
    if (b.source().isEmpty()) {
      throw Fields.error(path + ".source", "is the default exchange, which cannot be bound");
    }
    if (!exchangeKnown(b.vhost(), b.source())) {
      throw Fields.error(path + ".source", "names exchange '" + b.source() + "' in vhost '" + b.vhost()
          + "', which is neither in the definitions nor in the broker");
    }
    boolean toQueue = b.destinationType() == Binding.DestinationType.QUEUE;
    boolean known = toQueue
        ? queues.containsKey(key(b.vhost(), b.destination())) || existingQueue(b.vhost(), b.destination()).isPresent()
        : exchangeKnown(b.vhost(), b.destination());
    if (!known) {
      throw Fields.error(path + ".destination", "names " + (toQueue ? "queue '" : "exchange '") + b.destination()
          + "' in vhost '" + b.vhost() + "', which is neither in the definitions nor in the broker");
    }
  }

  private boolean exchangeKnown(String vhost, String name) {
    return PREDECLARED.contains(name) || exchanges.containsKey(key(vhost, name))
        || existingExchange(vhost, name).isPresent();
  }

  private Optional<Exchange> existingExchange(String vhost, String name) {
    return existingExchange(broker, vhost, name);
  }

  private Optional<Queue> existingQueue(String vhost, String name) {
    return existingQueue(broker, vhost, name);
  }

  static Optional<Exchange> existingExchange(Broker broker, String vhost, String name) {
    if (!broker.vhosts().contains(vhost)) {
      return Optional.empty();
    }
    return broker.exchanges(vhost).stream().filter(e -> e.name().equals(name)).findFirst();
  }

  static Optional<Queue> existingQueue(Broker broker, String vhost, String name) {
    if (!broker.vhosts().contains(vhost)) {
      return Optional.empty();
    }
    return broker.queues(vhost).stream().map(QueueInfo::queue).filter(q -> q.name().equals(name)).findFirst();
  }

  private static String key(String vhost, String name) {
    return vhost + "\u0000" + name;
  }
}
