package io.junctionmq.definitions;

import io.junctionmq.model.Binding;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.Queue;
import io.junctionmq.security.Permission;
import io.junctionmq.security.TopicPermission;
import io.junctionmq.security.User;
import io.junctionmq.security.UserLimits;
import io.junctionmq.security.VhostLimits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A definitions document, as RabbitMQ exports and imports it, read into Junction's records:
 * the whole broker ({@code vhost} null) or one vhost ({@code vhost} named, and then no users,
 * vhosts or permissions). {@code userLimits} holds the {@code limits} of the users.
 */
public record Definitions(
    String vhost,
    List<User> users,
    List<UserLimits> userLimits,
    List<String> vhosts,
    List<Permission> permissions,
    List<TopicPermission> topicPermissions,
    List<VhostLimits> vhostLimits,
    List<Exchange> exchanges,
    List<Queue> queues,
    List<Binding> bindings) {

  public Definitions {
    users = List.copyOf(users);
    userLimits = List.copyOf(userLimits);
    vhosts = List.copyOf(vhosts);
    permissions = List.copyOf(permissions);
    topicPermissions = List.copyOf(topicPermissions);
    vhostLimits = List.copyOf(vhostLimits);
    exchanges = List.copyOf(exchanges);
    queues = List.copyOf(queues);
    bindings = List.copyOf(bindings);
  }

  /** How many of each kind, in the document's order: the facts of the {@code definitions.imported} event. */
  public Map<String, Integer> counts() {
    var counts = new LinkedHashMap<String, Integer>();
    counts.put("users", users.size());
    counts.put("vhosts", vhosts.size());
    counts.put("permissions", permissions.size());
    counts.put("topic_permissions", topicPermissions.size());
    counts.put("vhost_limits", vhostLimits.size());
    counts.put("exchanges", exchanges.size());
    counts.put("queues", queues.size());
    counts.put("bindings", bindings.size());
    return counts;
  }
}
