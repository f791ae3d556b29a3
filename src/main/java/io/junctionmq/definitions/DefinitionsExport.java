package io.junctionmq.definitions;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.QueueInfo;
import io.junctionmq.model.Binding;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.Queue;
import io.junctionmq.security.UserDatabase;
import io.junctionmq.security.VhostLimits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;

/**
 * The broker's definitions as this node sees them: what {@link DefinitionsImport} would need
 * to rebuild it. As RabbitMQ's export, it leaves out what a broker makes by itself (the
 * default and {@code amq.*} exchanges) and what belongs to a connection (exclusive queues, and
 * their bindings).
 */
public final class DefinitionsExport {
  private DefinitionsExport() {
  }

  /** Every vhost's definitions, users and permissions included. */
  public static Definitions all(Broker broker) {
    UserDatabase db = broker.users();
    List<String> vhosts = broker.vhosts().stream().sorted().toList();
    var d = objects(broker, null, vhosts);
    return new Definitions(null, db.users(), db.userLimits().stream().filter(l -> l.maxConnections() != null).toList(),
        vhosts, db.permissions(), db.topicPermissions(), db.limits().stream().filter(DefinitionsExport::set).toList(),
        d.exchanges(), d.queues(), d.bindings());
  }

  /** One vhost's definitions; throws NOT_FOUND for an unknown vhost. */
  public static Definitions vhost(Broker broker, String vhost) {
    if (!broker.vhosts().contains(vhost)) {
      throw ErrorCode.noVhost(vhost);
    }
    var d = objects(broker, vhost, List.of(vhost));
    return new Definitions(vhost, List.of(), List.of(), List.of(), List.of(), List.of(),
        broker.users().limits(vhost).filter(DefinitionsExport::set).stream().toList(), d.exchanges(), d.queues(),
        d.bindings());
  }

  private static boolean set(VhostLimits l) {
    return l.maxConnections() != null || l.maxQueues() != null;
  }

  private static Definitions objects(Broker broker, String vhost, List<String> vhosts) {
    var exchanges = new ArrayList<Exchange>();
    var queues = new ArrayList<Queue>();
    var bindings = new ArrayList<Binding>();
    for (String v : vhosts) {
      broker.exchanges(v).stream().filter(e -> !e.name().isEmpty() && !e.name().startsWith("amq."))
          .sorted(Comparator.comparing(Exchange::name)).forEach(exchanges::add);
      var exclusive = new HashSet<String>();
      broker.queues(v).stream().map(QueueInfo::queue).sorted(Comparator.comparing(Queue::name))
          .forEach(q -> {
            if (q.exclusive()) {
              exclusive.add(q.name());
            } else {
              queues.add(q);
            }
          });
      broker.bindings(v).stream().filter(b -> !b.source().isEmpty()
          && !(b.destinationType() == Binding.DestinationType.QUEUE
          && exclusive.contains(b.destination()))).forEach(bindings::add);
    }
    return new Definitions(vhost, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), exchanges, queues,
        bindings);
  }
}
