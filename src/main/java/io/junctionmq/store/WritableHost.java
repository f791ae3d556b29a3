package io.junctionmq.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnectOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of several PostgreSQL servers a pool's next connection goes to, as libpq's
 * {@code target_session_attrs=read-write} chooses: the first, in the URI's order, that accepts
 * a connection and, if writes are asked for, answers {@code SHOW transaction_read_only} with
 * {@code off}. The last one chosen is tried first. Every new connection asks again, so after a
 * failover (the primary gone, a standby promoted) the pool's connections, as the dead ones are
 * replaced, go to the new primary, and a former primary that comes back as a standby is
 * passed over. Each probe is one short-lived connection, bounded by {@link #PROBE_TIMEOUT}.
 */
final class WritableHost implements Supplier<Future<SqlConnectOptions>> {
  private static final Logger log = LoggerFactory.getLogger(WritableHost.class);
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final List<PgConnectOptions> hosts;
  private final boolean readWrite;
  private volatile int last = -1;

  WritableHost(Vertx vertx, List<PgConnectOptions> hosts, boolean readWrite) {
    this.vertx = vertx;
    this.hosts = List.copyOf(hosts);
    this.readWrite = readWrite;
  }

  @Override
  public Future<SqlConnectOptions> get() {
    var order = new ArrayList<Integer>();
    if (last >= 0) {
      order.add(last);
    }
    for (int i = 0; i < hosts.size(); i++) {
      if (i != last) {
        order.add(i);
      }
    }
    return first(order, 0, new ArrayList<>());
  }

  private Future<SqlConnectOptions> first(List<Integer> order, int at, List<String> refused) {
    if (at == order.size()) {
      return Future.failedFuture(new StoreException("no PostgreSQL server of " + names()
          + (readWrite ? " accepts writes: " : " answers: ") + String.join("; ", refused)));
    }
    int index = order.get(at);
    PgConnectOptions candidate = hosts.get(index);
    return probe(candidate).transform(ar -> {
      if (ar.succeeded()) {
        if (last != index) {
          log.atInfo().addKeyValue("event", "postgres.host.chosen").addKeyValue("host", name(candidate))
              .addKeyValue("previous", last < 0 ? "none" : name(hosts.get(last)))
              .log("PostgreSQL connections go to {}{}", name(candidate), readWrite ? ", which accepts writes" : "");
          last = index;
        }
        return Future.succeededFuture(candidate);
      }
      refused.add(name(candidate) + ": " + ar.cause().getMessage());
      return first(order, at + 1, refused);
    });
  }

  /** Succeeds if {@code host} accepts a connection and, when writes are asked for, is not read-only. */
  private Future<Void> probe(PgConnectOptions host) {
    Future<PgConnection> connecting = PgConnection.connect(vertx, host);
    return connecting.compose(conn -> {
      Future<Void> check = !readWrite ? Future.succeededFuture()
          : conn.query("SHOW transaction_read_only").execute().compose(rows -> {
            Row row = rows.iterator().next();
            return "off".equals(row.getString(0)) ? Future.<Void>succeededFuture()
                : Future.<Void>failedFuture("read-only (a standby)");
          });
      return check.eventually(conn::close);
    }).timeout(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        // A connection that comes after the probe gave up is not left open.
        .onFailure(e -> connecting.onSuccess(PgConnection::close));
  }

  private String names() {
    return hosts.stream().map(WritableHost::name).collect(Collectors.joining(", "));
  }

  private static String name(PgConnectOptions o) {
    return o.getHost() + ":" + o.getPort();
  }
}
