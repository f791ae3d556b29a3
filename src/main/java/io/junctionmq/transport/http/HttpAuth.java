package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.security.Audit;
import io.junctionmq.security.Identity;
import io.junctionmq.security.Tag;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Who makes an API request: HTTP Basic credentials, a token ({@code Authorization: Bearer}, a
 * JSON Web Token with RabbitMQ's OAuth 2 scopes), or none (the anonymous user, {@code guest} from
 * localhost by default). A route needs a login ({@link Need#LOGIN}: messaging, checked by
 * the user's permissions), one of the management tags ({@link Need#MANAGEMENT}: RabbitMQ's
 * {@code management}, {@code policymaker}, {@code monitoring} or {@code administrator}),
 * {@code monitoring} or {@code administrator} ({@link Need#MONITORING}: {@code /metrics}), or
 * {@code administrator}. A management route of a vhost also needs the user to see the vhost
 * ({@link #sees}). A refused request is answered 401 with a {@code WWW-Authenticate} challenge
 * (Bearer when a token was refused, else Basic; none to a script that says so with {@code
 * X-Requested-With}), or 403 when the user lacks the tag or the vhost (logged and counted as
 * {@code access.denied}).
 */
final class HttpAuth {
  /** What a route needs of its user. */
  enum Need {
    LOGIN(null), MANAGEMENT(Audit.Denial.MANAGEMENT), MONITORING(Audit.Denial.MONITORING),
    ADMINISTRATOR(Audit.Denial.ADMINISTRATOR);

    private final Audit.Denial denial;

    Need(Audit.Denial denial) {
      this.denial = denial;
    }
  }

  private static final String USER = "junction.user";
  private static final String BROKER = "junction.broker";

  private final Broker broker;

  HttpAuth(Broker broker) {
    this.broker = broker;
  }

  /** {@code handler}, once the request's user is known and has what the route needs. */
  Handler<RoutingContext> guard(Need need, Handler<RoutingContext> handler) {
    return ctx -> {
      // A streamed body (NDJSON) is not read yet: it waits for the login.
      boolean streaming = !ctx.request().isEnded();
      if (streaming) {
        ctx.request().pause();
      }
      authenticate(ctx).onComplete(ar -> {
        if (streaming) {
          ctx.request().resume();
        }
        if (ar.failed()) {
          // A challenge makes a browser open its own login dialog over the console's form.
          if (!fromScript(ctx)) {
            ctx.response().putHeader("WWW-Authenticate", bearer(ctx)
                ? "Bearer realm=\"Junction\", error=\"invalid_token\"" : "Basic realm=\"Junction\"");
          }
          HttpErrors.send(ctx, 401, HttpErrors.translate(ar.cause(), 500, ctx));
          return;
        }
        Identity user = ar.result();
        try {
          check(need, user);
        } catch (JunctionException e) {
          broker.users().audit().denied(user.name(), null, need.denial, "http", ctx.request().path(), e.reason());
          HttpErrors.send(ctx, e);
          return;
        }
        String vhost = ctx.pathParam("vhost");
        if (need == Need.MANAGEMENT && vhost != null && !sees(user, vhost)) {
          var e = ErrorCode.ACCESS_REFUSED.error("user '" + user.name() + "' has no access to vhost '" + vhost + "'");
          broker.users().audit().denied(user.name(), vhost, Audit.Denial.VHOST, "http", ctx.request().path(),
              e.reason());
          HttpErrors.send(ctx, e);
          return;
        }
        ctx.put(USER, user);
        ctx.put(BROKER, broker.as(user));
        // Out of the router's own call now: what the handler throws must still reach HttpErrors.
        try {
          handler.handle(ctx);
        } catch (RuntimeException e) {
          ctx.fail(e);
        }
      });
    };
  }

  private Future<Identity> authenticate(RoutingContext ctx) {
    String remote = ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      return broker.anonymous(remote, "http");
    }
    if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(ErrorCode.ACCESS_REFUSED.error("the Authorization header is not valid Basic"));
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return Future.failedFuture(ErrorCode.ACCESS_REFUSED.error("the Authorization header is not valid Basic"));
      }
      return broker.login(decoded.substring(0, colon), decoded.substring(colon + 1), remote, "http");
    }
    if (bearer(ctx)) {
      return broker.loginWithToken(header.substring(7).trim(), remote, "http");
    }
    return Future.failedFuture(ErrorCode.ACCESS_REFUSED.error("unsupported Authorization scheme; use Basic or Bearer"));
  }

  private static boolean bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
  }

  /** Fails ACCESS_REFUSED unless {@code user} has what {@code need} asks: a function of the identity alone, however it logged in. */
  static void check(Need need, Identity user) {
    boolean ok = switch (need) {
      case LOGIN -> true;
      case MANAGEMENT -> user.has(Tag.MANAGEMENT) || user.has(Tag.POLICYMAKER) || user.has(Tag.MONITORING)
          || user.has(Tag.ADMINISTRATOR);
      case MONITORING -> user.has(Tag.MONITORING) || user.has(Tag.ADMINISTRATOR);
      case ADMINISTRATOR -> user.has(Tag.ADMINISTRATOR);
    };
    if (!ok) {
      throw ErrorCode.ACCESS_REFUSED.error("user '" + user.name() + "' needs the " + switch (need) {
        case MONITORING -> "monitoring or administrator tag";
        case ADMINISTRATOR -> "administrator tag";
        default -> "management, policymaker, monitoring or administrator tag";
      } + " for this");
    }
  }

  /** Whether a script marked the request ({@code X-Requested-With}), as the console does. */
  private static boolean fromScript(RoutingContext ctx) {
    return ctx.request().getHeader("X-Requested-With") != null;
  }

  /**
   * As in RabbitMQ, a user with {@code monitoring} or {@code administrator} sees every vhost;
   * any other sees those where it has a permission.
   */
  static boolean sees(Identity user, String vhost) {
    return user.has(Tag.MONITORING) || user.has(Tag.ADMINISTRATOR) || user.access().mayUse(vhost);
  }

  /** Of {@code vhosts}, those the request's user sees (after {@link #guard}). */
  static List<String> visible(RoutingContext ctx, List<String> vhosts) {
    Identity user = user(ctx);
    return vhosts.stream().filter(v -> sees(user, v)).toList();
  }

  /** The request's user (after {@link #guard}). */
  static Identity user(RoutingContext ctx) {
    return ctx.get(USER);
  }

  /** The broker as the request's user may use it (after {@link #guard}). */
  static Broker broker(RoutingContext ctx) {
    return ctx.get(BROKER);
  }
}
