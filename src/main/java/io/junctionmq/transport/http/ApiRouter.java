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
  private final Map<String, Set<String>> methods = new LinkedHashMap<>();

  ApiRouter(Router router) {
    this.router = router;
  }

  ApiRouter on(HttpMethod method, String path, Handler<RoutingContext> handler) {
    router.route(method, path).handler(handler);
    methods.computeIfAbsent(path, p -> new TreeSet<>()).add(method.name());
    return this;
  }

  ApiRouter get(String path, Handler<RoutingContext> handler) {
    return on(HttpMethod.GET, path, handler);
  }

  ApiRouter put(String path, Handler<RoutingContext> handler) {
    return on(HttpMethod.PUT, path, handler);
  }

  ApiRouter post(String path, Handler<RoutingContext> handler) {
    return on(HttpMethod.POST, path, handler);
  }

  ApiRouter delete(String path, Handler<RoutingContext> handler) {
    return on(HttpMethod.DELETE, path, handler);
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
