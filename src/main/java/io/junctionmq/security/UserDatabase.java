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
 * Users, permissions and vhost limits, as RabbitMQ's internal database holds them: stored in
 * the {@link SecurityStore}, read from a copy in memory, which each change reloads (on every
 * node: a change is announced on the event bus, and every node re-reads the store every 30 s
 * for an announcement it missed). Each user's permissions are compiled once ({@link Access})
 * until they change.
 */
public final class UserDatabase {
  private static final Logger log = LoggerFactory.getLogger(UserDatabase.class);
  private static final long RELOAD_INTERVAL_MS = 30_000;

  private final Vertx vertx;
  private final SecurityStore store;
  private final String self;
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
        log.atInfo().addKeyValue("event", "user.created").addKeyValue("user", first.name())
            .addKeyValue("tags", first.tags()).addKeyValue("by", "bootstrap")
            .log("no users: created user {} with full permissions on vhost /", first.name());
      }
      return reload();
    });
  }

  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return announcements == null ? Future.succeededFuture() : announcements.unregister();
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

  // ---- changes: stored, reloaded here, announced ----

  /** Stores the user; completes with whether it is new. */
  public Future<Boolean> putUser(User user) {
    boolean isNew = user(user.name()).isEmpty();
    return changed(store.saveUser(user)).map(isNew);
  }

  public Future<Void> deleteUser(String name) {
    if (user(name).isEmpty()) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.error("no user '" + name + "'"));
    }
    return changed(store.deleteUser(name)).onSuccess(v -> userGone.forEach(l -> l.accept(name)));
  }

  public Future<Void> setPermission(Permission p) {
    requireUser(p.user());
    Access.checkExpression("configure", p.configure());
    Access.checkExpression("write", p.write());
    Access.checkExpression("read", p.read());
    return changed(store.savePermission(p));
  }

  public Future<Void> clearPermission(String user, String vhost) {
    return changed(store.deletePermission(user, vhost));
  }

  public Future<Void> setTopicPermission(TopicPermission p) {
    requireUser(p.user());
    Access.checkExpression("write", Access.expand(p.write(), p.user(), p.vhost()));
    Access.checkExpression("read", Access.expand(p.read(), p.user(), p.vhost()));
    return changed(store.saveTopicPermission(p));
  }

  public Future<Void> clearTopicPermission(String user, String vhost, String exchange) {
    return changed(store.deleteTopicPermission(user, vhost, exchange));
  }

  public Future<Void> setLimits(VhostLimits limits) {
    return changed(store.saveVhostLimits(limits));
  }

  public Future<Void> vhostDeleted(String vhost) {
    return changed(store.vhostDeleted(vhost));
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
