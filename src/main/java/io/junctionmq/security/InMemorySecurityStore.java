package io.junctionmq.security;

import io.junctionmq.store.StoreException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The security record in the heap: the cheap twin of {@link PgSecurityStore}, checked by the same contract. */
public final class InMemorySecurityStore implements SecurityStore {
  private final Map<String, User> users = new LinkedHashMap<>();
  private final Map<List<String>, Permission> permissions = new LinkedHashMap<>();
  private final Map<List<String>, TopicPermission> topicPermissions = new LinkedHashMap<>();
  private final Map<String, VhostLimits> limits = new LinkedHashMap<>();
  private final Map<String, UserLimits> userLimits = new TreeMap<>();

  @Override
  public synchronized Future<Snapshot> load() {
    return Future.succeededFuture(new Snapshot(sorted(users.values(), User::name),
        new ArrayList<>(permissions.values()), new ArrayList<>(topicPermissions.values()),
        new ArrayList<>(limits.values()), new ArrayList<>(userLimits.values())));
  }

  private static <T> List<T> sorted(java.util.Collection<T> all, java.util.function.Function<T, String> key) {
    return all.stream().sorted(java.util.Comparator.comparing(key)).toList();
  }

  @Override
  public synchronized Future<Void> saveUser(User user) {
    users.put(user.name(), user);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> deleteUser(String name) {
    users.remove(name);
    permissions.values().removeIf(p -> p.user().equals(name));
    topicPermissions.values().removeIf(p -> p.user().equals(name));
    userLimits.remove(name);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Boolean> createFirstUser(User user, Permission permission) {
    if (!users.isEmpty()) {
      return Future.succeededFuture(false);
    }
    users.put(user.name(), user);
    permissions.put(List.of(permission.user(), permission.vhost()), permission);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Void> savePermission(Permission p) {
    if (!users.containsKey(p.user())) {
      return Future.failedFuture(new StoreException("no user '" + p.user() + "'", null));
    }
    permissions.put(List.of(p.user(), p.vhost()), p);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> deletePermission(String user, String vhost) {
    permissions.remove(List.of(user, vhost));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> saveTopicPermission(TopicPermission p) {
    if (!users.containsKey(p.user())) {
      return Future.failedFuture(new StoreException("no user '" + p.user() + "'", null));
    }
    topicPermissions.put(List.of(p.user(), p.vhost(), p.exchange()), p);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> deleteTopicPermission(String user, String vhost, String exchange) {
    topicPermissions.remove(List.of(user, vhost, exchange));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> saveVhostLimits(VhostLimits l) {
    limits.put(l.vhost(), l);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> vhostDeleted(String vhost) {
    permissions.values().removeIf(p -> p.vhost().equals(vhost));
    topicPermissions.values().removeIf(p -> p.vhost().equals(vhost));
    limits.remove(vhost);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> saveUserLimits(UserLimits l) {
    if (!users.containsKey(l.user())) {
      return Future.failedFuture(new StoreException("no user '" + l.user() + "'", null));
    }
    userLimits.put(l.user(), l);
    return Future.succeededFuture();
  }
}
