package io.junctionmq.definitions;

import io.junctionmq.broker.Broker;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.security.Permission;
import io.junctionmq.security.TopicPermission;
import io.junctionmq.security.User;
import io.junctionmq.security.UserDatabase;
import io.junctionmq.security.UserLimits;
import io.junctionmq.security.VhostLimits;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports {@link Definitions} all or nothing. The whole document is checked first ({@link
 * DefinitionsCheck}); then each change is applied in turn — users and their limits, vhosts,
 * permissions, topic permissions, vhost limits, exchanges, queues, bindings — through the same
 * broker and user-database calls as the HTTP API (so each is stored, announced to the other
 * nodes and audited as there). Something already there as the document declares it is left
 * alone. The changes span two stores (the security store and the metadata store) and the
 * queues' owners, so there is no one transaction: when a change fails part way, the ones
 * already made are undone, newest first, and the import fails naming the object.
 */
public final class DefinitionsImport {
  private static final Logger log = LoggerFactory.getLogger(DefinitionsImport.class);

  /** A change and how to take it back. */
  private record Step(String what, Supplier<Future<?>> apply, Supplier<Future<?>> undo) {
  }

  private final Broker broker;
  private final UserDatabase db;
  private final String by;
  private final List<Step> steps = new ArrayList<>();
  /** The vhosts, exchanges and queues already planned: one named twice is created once (and deleted once). */
  private final Set<String> created = new HashSet<>();

  private DefinitionsImport(Broker broker, String by) {
    this.broker = broker;
    this.db = broker.users();
    this.by = by;
  }

  /**
   * Checks and applies {@code d} on {@code broker} in the name of {@code by} (null: the broker
   * itself, at start). Completes with the counts of the document; fails INVALID_ARGUMENT (or
   * NOT_FOUND for the vhost of a one-vhost document) naming the field, before any change, or
   * with the error of the change that failed, after undoing the others.
   */
  public static Future<Map<String, Integer>> apply(Broker broker, Definitions d, String by) {
    try {
      DefinitionsCheck.check(broker, d);
    } catch (JunctionException e) {
      return Future.failedFuture(e);
    }
    var run = new DefinitionsImport(broker, by);
    run.plan(d);
    return run.run(0, new ArrayList<>()).map(v -> {
      broker.users().audit().changed("definitions.imported", d.vhost() == null ? "all" : "vhost", by, counts(d));
      return d.counts();
    });
  }

  private static Map<String, Object> counts(Definitions d) {
    var facts = new LinkedHashMap<String, Object>();
    if (d.vhost() != null) {
      facts.put("vhost", d.vhost());
    }
    facts.putAll(d.counts());
    return facts;
  }

  private void plan(Definitions d) {
    for (int i = 0; i < d.users().size(); i++) {
      User u = d.users().get(i);
      Optional<User> before = db.user(u.name());
      if (!before.equals(Optional.of(u))) {
        step("users[" + i + "] (user '" + u.name() + "')", () -> db.putUser(u, by),
            () -> before.isPresent() ? db.putUser(before.get(), by) : db.deleteUser(u.name(), by));
      }
    }
    for (UserLimits l : d.userLimits()) {
      UserLimits before = db.userLimits(l.user()).orElse(UserLimits.none(l.user()));
      if (!before.equals(l)) {
        step("the limits of user '" + l.user() + "'", () -> db.setUserLimits(l, by),
            () -> db.setUserLimits(before, by));
      }
    }
    for (int i = 0; i < d.vhosts().size(); i++) {
      String v = d.vhosts().get(i);
      if (!broker.vhosts().contains(v) && created.add("vhost " + v)) {
        step("vhosts[" + i + "] (vhost '" + v + "')", () -> broker.declareVhost(v), () -> broker.deleteVhost(v));
      }
    }
    for (int i = 0; i < d.permissions().size(); i++) {
      Permission p = d.permissions().get(i);
      Optional<Permission> before = db.permissions().stream()
          .filter(x -> x.user().equals(p.user()) && x.vhost().equals(p.vhost())).findFirst();
      if (!before.equals(Optional.of(p))) {
        step("permissions[" + i + "]", () -> db.setPermission(p, by), () -> before.isPresent()
            ? db.setPermission(before.get(), by) : db.clearPermission(p.user(), p.vhost(), by));
      }
    }
    for (int i = 0; i < d.topicPermissions().size(); i++) {
      TopicPermission p = d.topicPermissions().get(i);
      Optional<TopicPermission> before = db.topicPermissions().stream().filter(x -> x.user().equals(p.user())
          && x.vhost().equals(p.vhost()) && x.exchange().equals(p.exchange())).findFirst();
      if (!before.equals(Optional.of(p))) {
        step("topic_permissions[" + i + "]", () -> db.setTopicPermission(p, by), () -> before.isPresent()
            ? db.setTopicPermission(before.get(), by) : db.clearTopicPermission(p.user(), p.vhost(), p.exchange(), by));
      }
    }
    for (int i = 0; i < d.vhostLimits().size(); i++) {
      VhostLimits l = d.vhostLimits().get(i);
      VhostLimits before = db.limits(l.vhost()).orElse(VhostLimits.none(l.vhost()));
      if (!before.equals(l)) {
        step("parameters[" + i + "] (the limits of vhost '" + l.vhost() + "')", () -> db.setLimits(l, by),
            () -> db.setLimits(before, by));
      }
    }
    for (int i = 0; i < d.exchanges().size(); i++) {
      var e = d.exchanges().get(i);
      if (DefinitionsCheck.existingExchange(broker, e.vhost(), e.name()).isEmpty()
          && created.add("exchange " + e.vhost() + "\u0000" + e.name())) {
        step("exchanges[" + i + "] (exchange '" + e.name() + "' in vhost '" + e.vhost() + "')",
            () -> broker.declareExchange(e), () -> broker.deleteExchange(e.vhost(), e.name(), false));
      }
    }
    for (int i = 0; i < d.queues().size(); i++) {
      var q = d.queues().get(i);
      if (DefinitionsCheck.existingQueue(broker, q.vhost(), q.name()).isEmpty()
          && created.add("queue " + q.vhost() + "\u0000" + q.name())) {
        step("queues[" + i + "] (queue '" + q.name() + "' in vhost '" + q.vhost() + "')",
            () -> broker.declareQueue(q), () -> broker.deleteQueue(q.vhost(), q.name(), false, false));
      }
    }
    for (int i = 0; i < d.bindings().size(); i++) {
      var b = d.bindings().get(i);
      boolean exists = broker.vhosts().contains(b.vhost()) && broker.bindings(b.vhost()).contains(b);
      if (!exists && created.add("binding " + b)) {
        step("bindings[" + i + "]", () -> broker.bind(b), () -> broker.unbind(b));
      }
    }
  }

  private void step(String what, Supplier<Future<?>> apply, Supplier<Future<?>> undo) {
    steps.add(new Step(what, apply, undo));
  }

  /** Applies the steps from {@code next} on; on a failure, undoes {@code done} and fails. */
  private Future<Void> run(int next, List<Step> done) {
    if (next == steps.size()) {
      return Future.succeededFuture();
    }
    Step step = steps.get(next);
    return attempt(step.apply()).transform(r -> {
      if (r.succeeded()) {
        done.add(step);
        return run(next + 1, done);
      }
      log.atWarn().addKeyValue("event", "definitions.failed").addKeyValue("at", step.what())
          .log("definitions import failed at {}: {}; undoing {} changes", step.what(), r.cause().getMessage(),
              done.size());
      return undo(done, done.size() - 1, new ArrayList<>()).transform(u -> Future.failedFuture(failure(step,
          r.cause(), u.result())));
    });
  }

  private static Throwable failure(Step step, Throwable cause, List<String> notUndone) {
    String reason = cause instanceof JunctionException j ? j.reason() : String.valueOf(cause.getMessage());
    String undone = notUndone.isEmpty() ? "; nothing of the definitions was kept"
        : "; these changes could not be undone: " + String.join(", ", notUndone);
    if (cause instanceof JunctionException j) {
      return j.code().error("definitions: " + step.what() + ": " + reason + undone);
    }
    return ErrorCode.INTERNAL_ERROR.error("definitions: " + step.what() + ": " + reason + undone);
  }

  /** Undoes {@code done[i]} down to {@code done[0]}, each even if one before failed; completes with those that failed. */
  private Future<List<String>> undo(List<Step> done, int i, List<String> failed) {
    if (i < 0) {
      return Future.succeededFuture(failed);
    }
    Step step = done.get(i);
    return attempt(step.undo()).transform(r -> {
      if (r.failed()) {
        log.atError().addKeyValue("event", "definitions.undo-failed").addKeyValue("at", step.what())
            .log("could not undo {}: {}", step.what(), r.cause().getMessage());
        failed.add(step.what());
      }
      return undo(done, i - 1, failed);
    });
  }

  private static Future<?> attempt(Supplier<Future<?>> change) {
    try {
      return change.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
