package io.junctionmq.security;

import io.junctionmq.cluster.Protocol;
import io.junctionmq.model.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users, permissions, vhost and user limits, as RabbitMQ's internal database holds them: stored
 * in the {@link SecurityStore}, read from a copy in memory, which each change reloads (on every
 * node: a change is announced on the event bus, and every node re-reads the store every 30 s
 * for an announcement it missed). Each user's permissions are compiled once ({@link Access})
 * until they change. Each change is logged by the {@link Audit} with who made it ({@code by}:
 * a user's name, or null for the application that embeds the broker).
 */
public final class UserDatabase {
  private static final Logger log = LoggerFactory.getLogger(UserDatabase.class);
  private static final long RELOAD_INTERVAL_MS = 30_000;

  private final Vertx vertx;
  private final SecurityStore store;
  private final String self;
  private final Audit audit = new Audit();
  private volatile State state = new State(SecurityStore.Snapshot.EMPTY, 0);
  private final AtomicLong loads = new AtomicLong();
  private final List<java.util.function.Consumer<String>> userGone = new java.util.concurrent.CopyOnWriteArrayList<>();
  private MessageConsumer<String> announcements;
  private long timer = -1;

  public UserDatabase(Vertx vertx, SecurityStore store, String self) {
    this.vertx = vertx;
    this.store = store;
    this.self = self;
  }

  /**
   * The store's content, indexed, which load it came from (a later load wins), and the
   * permissions compiled from it so far.
   */
  private record State(SecurityStore.Snapshot snapshot, long load, Map<String, User> users,
                       Map<String, Access> compiled) {
    State(SecurityStore.Snapshot snapshot, long load) {
      this(snapshot, load, snapshot.users().stream().collect(Collectors.toUnmodifiableMap(User::name,
          Function.identity())), new ConcurrentHashMap<>());
    }
  }

  /**
   * Loads the record; with no user in it, creates the {@code first} one (RabbitMQ's {@code
   * guest}) with full permissions on vhost {@code /}; then follows the other nodes' changes.
   */
  public Future<Void> start(java.util.function.Supplier<Future<User>> first) {
    return reload()
        .compose(v -> users().isEmpty() ? first.get().compose(this::createFirst) : Future.<Void>succeededFuture())
        .onSuccess(v -> {
          if (vertx.isClustered()) {
            announcements = vertx.eventBus().consumer(Protocol.SECURITY, m -> {
              if (!self.equals(m.body())) {
                reload();
              }
            });
          }
          timer = vertx.setPeriodic(RELOAD_INTERVAL_MS, t -> reload());
        });
  }

  private Future<Void> createFirst(User first) {
    return store.createFirstUser(first, Permission.all(first.name(), "/")).compose(created -> {
      if (created) {
        audit.changed("user.changed", "created", "bootstrap", ordered("user", first.name(), "tags", first.tags()));
        audit.changed("permission.changed", "set", "bootstrap", permission(Permission.all(first.name(), "/")));
      }
      return reload();
    });
  }

  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return announcements == null ? Future.succeededFuture() : announcements.unregister();
  }

  /** The audit trail of this node's logins, refusals and changes. */
  public Audit audit() {
    return audit;
  }

  /** Called with a user's name when the user is deleted (its connections close). */
  public void onUserDeleted(java.util.function.Consumer<String> listener) {
    userGone.add(listener);
  }

  // ---- reads, from any thread ----

  public Optional<User> user(String name) {
    return Optional.ofNullable(state.users().get(name));
  }

  public List<User> users() {
    return state.snapshot().users();
  }

  public List<Permission> permissions() {
    return state.snapshot().permissions();
  }

  public List<TopicPermission> topicPermissions() {
    return state.snapshot().topicPermissions();
  }

  public Optional<VhostLimits> limits(String vhost) {
    return state.snapshot().vhostLimits().stream().filter(l -> l.vhost().equals(vhost)).findFirst();
  }

  public List<VhostLimits> limits() {
    return state.snapshot().vhostLimits();
  }

  public Optional<UserLimits> userLimits(String user) {
    return state.snapshot().userLimits().stream().filter(l -> l.user().equals(user)).findFirst();
  }

  public List<UserLimits> userLimits() {
    return state.snapshot().userLimits();
  }

  /** The user's permissions, compiled; none for an unknown user. */
  public Access access(String user) {
    State s = state;
    if (!s.users().containsKey(user)) {
      return Access.NONE;
    }
    return s.compiled().computeIfAbsent(user, u -> Access.of(u, s.snapshot().permissions(),
        s.snapshot().topicPermissions()));
  }

  /** An identity for a user known to exist (after a login). */
  Identity identity(String name) {
    return new Identity(name, this);
  }

  // ---- changes: stored, reloaded here, announced, logged ----

  /** Stores the user for the application that embeds the broker; completes with whether it is new. */
  public Future<Boolean> putUser(User user) {
    return putUser(user, null);
  }

  /** Stores the user; completes with whether it is new. */
  public Future<Boolean> putUser(User user, String by) {
    boolean isNew = user(user.name()).isEmpty();
    return changed(store.saveUser(user)).map(v -> {
      audit.changed("user.changed", isNew ? "created" : "updated", by, ordered("user", user.name(), "tags",
          user.tags()));
      return isNew;
    });
  }

  /** As the two-argument methods below, made by the application that embeds the broker (no {@code by}). */
  public Future<Void> deleteUser(String name) {
    return deleteUser(name, null);
  }

  public Future<Void> setPermission(Permission p) {
    return setPermission(p, null);
  }

  public Future<Void> clearPermission(String user, String vhost) {
    return clearPermission(user, vhost, null);
  }

  public Future<Void> setTopicPermission(TopicPermission p) {
    return setTopicPermission(p, null);
  }

  public Future<Void> clearTopicPermission(String user, String vhost, String exchange) {
    return clearTopicPermission(user, vhost, exchange, null);
  }

  public Future<Void> setLimits(VhostLimits limits) {
    return setLimits(limits, null);
  }

  public Future<Void> deleteUser(String name, String by) {
    if (user(name).isEmpty()) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.error("no user '" + name + "'"));
    }
    return changed(store.deleteUser(name)).onSuccess(v -> {
      audit.changed("user.changed", "deleted", by, ordered("user", name));
      userGone.forEach(l -> l.accept(name));
    });
  }

  public Future<Void> setPermission(Permission p, String by) {
    requireUser(p.user());
    Access.checkExpression("configure", p.configure());
    Access.checkExpression("write", p.write());
    Access.checkExpression("read", p.read());
    return changed(store.savePermission(p)).onSuccess(v -> audit.changed("permission.changed", "set", by,
        permission(p)));
  }

  public Future<Void> clearPermission(String user, String vhost, String by) {
    return changed(store.deletePermission(user, vhost)).onSuccess(v -> audit.changed("permission.changed", "cleared",
        by, ordered("user", user, "vhost", vhost)));
  }

  public Future<Void> setTopicPermission(TopicPermission p, String by) {
    requireUser(p.user());
    Access.checkExpression("write", Access.expand(p.write(), p.user(), p.vhost()));
    Access.checkExpression("read", Access.expand(p.read(), p.user(), p.vhost()));
    return changed(store.saveTopicPermission(p)).onSuccess(v -> audit.changed("topic-permission.changed", "set", by,
        ordered("user", p.user(), "vhost", p.vhost(), "exchange", p.exchange(), "write", p.write(), "read", p.read())));
  }

  public Future<Void> clearTopicPermission(String user, String vhost, String exchange, String by) {
    return changed(store.deleteTopicPermission(user, vhost, exchange)).onSuccess(v -> audit.changed(
        "topic-permission.changed", "cleared", by, ordered("user", user, "vhost", vhost, "exchange", exchange)));
  }

  public Future<Void> setLimits(VhostLimits limits, String by) {
    return changed(store.saveVhostLimits(limits)).onSuccess(v -> audit.changed("vhost-limit.changed", "set", by,
        ordered("vhost", limits.vhost(), "max_connections", limits.maxConnections(), "max_queues",
            limits.maxQueues())));
  }

  /** Stores the user's limits (the user must exist: NOT_FOUND). */
  public Future<Void> setUserLimits(UserLimits limits, String by) {
    requireUser(limits.user());
    return changed(store.saveUserLimits(limits)).onSuccess(v -> audit.changed("user-limit.changed", "set", by,
        ordered("user", limits.user(), "max_connections", limits.maxConnections())));
  }

  public Future<Void> vhostDeleted(String vhost) {
    return changed(store.vhostDeleted(vhost));
  }

  private static Map<String, Object> permission(Permission p) {
    return ordered("user", p.user(), "vhost", p.vhost(), "configure", p.configure(), "write", p.write(), "read",
        p.read());
  }

  /** The pairs in their order; a null value is left out (a limit that is not set). */
  private static Map<String, Object> ordered(Object... pairs) {
    var m = new java.util.LinkedHashMap<String, Object>();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        m.put((String) pairs[i], pairs[i + 1]);
      }
    }
    return m;
  }

  private void requireUser(String name) {
    if (user(name).isEmpty()) {
      throw ErrorCode.NOT_FOUND.error("no user '" + name + "'");
    }
  }

  private Future<Void> changed(Future<Void> stored) {
    return stored.compose(v -> reload()).onSuccess(v -> {
      if (vertx.isClustered()) {
        vertx.eventBus().publish(Protocol.SECURITY, self);
      }
    });
  }

  private Future<Void> reload() {
    long load = loads.incrementAndGet();
    return store.load().onSuccess(snapshot -> {
      synchronized (this) {
        if (load > state.load()) {
          state = new State(snapshot, load);
        }
      }
    }).onFailure(e -> log.warn("reading users and permissions failed: {}", e.getMessage())).mapEmpty();
  }
}
