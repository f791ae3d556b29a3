package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.config.JunctionConfig;
import io.junctionmq.config.MetricsAccess;
import io.junctionmq.model.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;

/**
 * The HTTP transport: RabbitMQ-shaped management, publishing and streaming consumers under
 * {@code /api}. It only calls {@link Broker}; every failure is answered by {@link HttpErrors}.
 * docs/http-api.md describes the API and {@code /api/openapi.json} serves its OpenAPI document.
 */
public final class HttpApi {
  public static final String MOUNT = "/api";
  static final String OPENAPI = "openapi.json";

  private HttpApi() {
  }

  /** Mounts the API under {@code /api} on {@code root}; completes once it serves. */
  public static Future<Void> mount(Vertx vertx, JunctionConfig config, Broker broker, Router root) {
    return vertx.fileSystem().readFile(OPENAPI).map(openapi -> {
      root.route(MOUNT + "/*").subRouter(router(vertx, config, broker, openapi));
      return null;
    });
  }

  /**
   * Who may read {@code /metrics} ({@code metrics.auth}): anyone, or a user with the {@code
   * monitoring} or {@code administrator} tag, logged in as for the API (HTTP Basic; without
   * credentials, the anonymous user). Lets a request through with {@code ctx.next()}, answers
   * the others 401 with a challenge (no login) or 403 (no tag).
   */
  public static Handler<RoutingContext> metricsAccess(Broker broker, MetricsAccess access) {
    return switch (access) {
      case OPEN -> RoutingContext::next;
      case MONITORING -> new HttpAuth(broker).guard(HttpAuth.Need.MONITORING, RoutingContext::next);
    };
  }

  /** The API's router, paths relative to {@code /api}. */
  public static Router router(Vertx vertx, JunctionConfig config, Broker broker, Buffer openapi) {
    long maxBody = config.httpMaxBody();
    Router router = Router.router(vertx);
    router.route().failureHandler(HttpErrors::handle);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBody);
    router.route().handler(ctx -> {
      negotiate(ctx, maxBody);
      if (PublishRoutes.isNdjson(ctx)) {
        ctx.next();
      } else {
        body.handle(ctx);
      }
    });
    var api = new ApiRouter(router, new HttpAuth(broker));
    var rates = new Rates();
    var consumers = new HttpConsumers();
    int maxLine = (int) Math.min(maxBody, Integer.MAX_VALUE - 1);
    new OverviewRoutes(broker, rates, consumers, config.httpPort()).mount(api);
    new OverviewStream(vertx, broker).mount(api);
    new NodeRoutes(broker).mount(api);
    new VhostRoutes(broker).mount(api);
    new ExchangeRoutes(broker).mount(api);
    new PublishRoutes(broker, config.publishMaxInFlight(), maxLine).mount(api);
    new QueueRoutes(broker, rates).mount(api);
    new PullGet().mount(api);
    new ConsumerRoutes(vertx, broker, consumers, config).mount(api);
    new BindingRoutes(broker).mount(api);
    new UserRoutes(vertx, broker).mount(api);
    new DefinitionRoutes(broker, OverviewRoutes.PRODUCT_VERSION).mount(api);
    api.open(io.vertx.core.http.HttpMethod.GET, "/openapi.json",
        ctx -> ctx.response().putHeader("Content-Type", Rest.JSON).end(openapi));
    api.finish();
    return router;
  }

  /**
   * Checks what every request must get right before its body is read: an {@code Accept} the
   * API can answer (406), and a declared length within {@code http.max-body} (413, without a
   * {@code 100 Continue}); then answers {@code Expect: 100-continue}.
   */
  private static void negotiate(RoutingContext ctx, long maxBody) {
    HttpServerRequest request = ctx.request();
    String accept = request.getHeader("Accept");
    if (!request.path().endsWith("/stream") && accept != null && !acceptsJson(accept)) {
      throw ErrorCode.NOT_ACCEPTABLE.error("the API answers application/json, not " + accept);
    }
    String length = request.getHeader("Content-Length");
    if (length != null && !PublishRoutes.isNdjson(ctx)) {
      try {
        if (Long.parseLong(length.trim()) > maxBody) {
          throw ErrorCode.PAYLOAD_TOO_LARGE.error("the request body (" + length.trim()
              + " bytes) is larger than http.max-body (" + maxBody + " bytes)");
        }
      } catch (NumberFormatException e) {
        throw ErrorCode.INVALID_ARGUMENT.error("bad Content-Length");
      }
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      ctx.response().writeContinue();
    }
  }

  private static boolean acceptsJson(String accept) {
    String a = accept.toLowerCase(Locale.ROOT);
    return a.isBlank() || a.contains("json") || a.contains("*/*") || a.contains("application/*");
  }
}
