package io.junctionmq.transport;

import io.junctionmq.cluster.Membership;
import io.junctionmq.store.Migrations;
import io.junctionmq.store.StoreProbe;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /health} (the process answers: always 200) and {@code GET /ready} (200 when every
 * check is up, else 503), on the root router, answered from the moment the HTTP server is
 * bound, before the broker has started. Each check is DOWN ("the node is starting") until the
 * node, as it starts, puts the real one in place: {@link #store}, {@link #cluster},
 * {@link #recovered}. All answer from memory but the store's, which is one query, cached for a
 * second, bounded by a timeout: {@code /ready} costs the same with 10 000 queues as with one.
 *
 * <p>This is a small handler rather than vertx-web's {@code HealthCheckHandler}: that one needs
 * another module (vertx-health-check, where {@code HealthChecks} lives), answers 500 rather
 * than 503 when a procedure fails or times out, and 204 with no body when it has no procedure;
 * the checks here are in-memory flags and one cached query, with nothing for it to add. The
 * JSON keeps its shape ({@code status}, {@code checks[].id}, {@code checks[].status}), plus a
 * {@code reason} on each check that is down.
 */
public final class Health {
  public static final String LIVE_PATH = "/health";
  public static final String READY_PATH = "/ready";
  /** The readiness checks, in the order {@code /ready} lists them. */
  public static final String STORE = "store";
  public static final String MIGRATIONS = "migrations";
  public static final String CLUSTER = "cluster";
  public static final String QUEUES = "queues";
  static final List<String> CHECKS = List.of(STORE, MIGRATIONS, CLUSTER, QUEUES);

  /** A check's outcome. {@code data} (may be null) adds facts, such as the schema version. */
  record Status(boolean up, String reason, JsonObject data) {
    static Status up(JsonObject data) {
      return new Status(true, null, data);
    }

    static Status down(String reason, JsonObject data) {
      return new Status(false, reason, data);
    }
  }

  /** One readiness check: completes (never fails) with its status, within a second or two. */
  @FunctionalInterface
  interface Check {
    Future<Status> status();
  }

  private static final Check STARTING = () -> Future.succeededFuture(Status.down("the node is starting", null));

  private final Map<String, Check> checks = new LinkedHashMap<>();

  /** Every readiness check DOWN until {@link #check} sets it. */
  Health() {
    CHECKS.forEach(id -> checks.put(id, STARTING));
  }

  /**
   * The store is created: {@code store} is up while PostgreSQL answers {@code probe};
   * {@code migrations} while the schema version last read is the one this code needs (or newer).
   */
  public void store(StoreProbe probe) {
    int expected = Migrations.expectedVersion();
    check(STORE, () -> probe.probe().map(r -> r.reachable()
        ? Status.up(new JsonObject().put("latency_ms", r.latencyMillis()))
        : Status.down(r.error(), null)));
    check(MIGRATIONS, () -> probe.probe().map(r -> {
      var data = new JsonObject().put("expected_version", expected);
      if (r.schemaVersion() < 0) {
        return Status.down("the schema version is unknown: PostgreSQL has not answered yet", data);
      }
      data.put("version", r.schemaVersion());
      return r.schemaVersion() >= expected ? Status.up(data)
          : Status.down("the database has schema version " + r.schemaVersion() + ", this node needs " + expected, data);
    }));
  }

  /** The node has joined its cluster (or is standalone): {@code cluster} is up while it is a member. */
  public void cluster(boolean clustered, Membership membership) {
    check(CLUSTER, () -> {
      if (!clustered) {
        return Future.succeededFuture(Status.up(new JsonObject().put("clustered", false)));
      }
      var data = new JsonObject().put("clustered", true).put("node", membership.self())
          .put("members", new JsonArray(List.copyOf(membership.members())));
      return Future.succeededFuture(membership.joined() ? Status.up(data)
          : Status.down("this node is not a member of its cluster", data));
    });
  }

  /** The broker has started (every durable queue is recovered) and the transports listen: {@code queues} is up. */
  public void recovered() {
    check(QUEUES, () -> Future.succeededFuture(Status.up(null)));
  }

  /** Puts {@code check} in place of the one named {@code id} (one of {@link #CHECKS}). */
  synchronized void check(String id, Check check) {
    if (!checks.containsKey(id)) {
      throw new IllegalArgumentException("no readiness check '" + id + "'");
    }
    checks.put(id, check);
  }

  /** Mounts both paths on {@code router} with {@code order}, so that they come before any gate. */
  void mount(Router router, int order) {
    router.get(LIVE_PATH).order(order).handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get(READY_PATH).order(order).handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    Map<String, Check> snapshot;
    synchronized (this) {
      snapshot = new LinkedHashMap<>(checks);
    }
    var ids = new ArrayList<String>();
    var results = new ArrayList<Future<Status>>();
    snapshot.forEach((id, check) -> {
      ids.add(id);
      results.add(run(check));
    });
    Future.join(results).onComplete(v -> {
      boolean up = true;
      var list = new JsonArray();
      for (int i = 0; i < ids.size(); i++) {
        Status s = results.get(i).result();
        up &= s.up();
        var entry = new JsonObject().put("id", ids.get(i)).put("status", s.up() ? "UP" : "DOWN");
        if (s.reason() != null) {
          entry.put("reason", s.reason());
        }
        if (s.data() != null) {
          entry.put("data", s.data());
        }
        list.add(entry);
      }
      json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", list));
    });
  }

  private static Future<Status> run(Check check) {
    try {
      return check.status().otherwise(e -> Status.down("the check failed: " + e.getMessage(), null));
    } catch (RuntimeException e) {
      return Future.succeededFuture(Status.down("the check failed: " + e.getMessage(), null));
    }
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
