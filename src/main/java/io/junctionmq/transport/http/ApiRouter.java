package io.junctionmq.transport.http;

import io.junctionmq.model.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Registers the API's routes and, once all are in, answers a known path with a method it
 * does not serve with 405 and an {@code Allow} header, and an unknown path with 404, both
 * as JSON (never vertx-web's HTML pages).
 */
final class ApiRouter {
  private final Router router;
  private final HttpAuth auth;
  private final Map<String, Set<String>> methods = new LinkedHashMap<>();

  ApiRouter(Router router, HttpAuth auth) {
    this.router = router;
    this.auth = auth;
  }

  /** A route for users with {@code need}; see {@link HttpAuth}. */
  ApiRouter on(HttpMethod method, String path, HttpAuth.Need need, Handler<RoutingContext> handler) {
    router.route(method, path).handler(auth.guard(need, handler));
    methods.computeIfAbsent(path, p -> new TreeSet<>()).add(method.name());
    return this;
  }

  /** A route anyone may use, without logging in. */
  ApiRouter open(HttpMethod method, String path, Handler<RoutingContext> handler) {
    router.route(method, path).handler(handler);
    methods.computeIfAbsent(path, p -> new TreeSet<>()).add(method.name());
    return this;
  }

  /** A management route: the user needs a management tag. */
  ApiRouter get(String path, Handler<RoutingContext> handler) {
    return on(HttpMethod.GET, path, HttpAuth.Need.MANAGEMENT, handler);
  }

  ApiRouter put(String path, Handler<RoutingContext> handler) {
    return on(HttpMethod.PUT, path, HttpAuth.Need.MANAGEMENT, handler);
  }

  ApiRouter post(String path, Handler<RoutingContext> handler) {
    return on(HttpMethod.POST, path, HttpAuth.Need.MANAGEMENT, handler);
  }

  ApiRouter delete(String path, Handler<RoutingContext> handler) {
    return on(HttpMethod.DELETE, path, HttpAuth.Need.MANAGEMENT, handler);
  }

  /** Adds the 405 answer of every path, then the 404 answer of every other path. */
  void finish() {
    methods.forEach((path, allowed) -> {
      String allow = allowed.stream().collect(Collectors.joining(", "));
      router.route(path).handler(ctx -> {
        ctx.response().putHeader("Allow", allow);
        HttpErrors.send(ctx, ErrorCode.METHOD_NOT_ALLOWED.error("method " + ctx.request().method()
            + " is not allowed on " + ctx.request().path() + "; allowed: " + allow));
      });
    });
    router.route().handler(ctx -> HttpErrors.send(ctx,
        ErrorCode.NOT_FOUND.error("no such resource: " + ctx.request().method() + " " + ctx.request().path())));
  }
}
