package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.config.JunctionConfig;
import io.junctionmq.config.Keys;
import io.junctionmq.model.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.junctionmq.broker.ConsumerInfo;
import io.junctionmq.security.Identity;
import java.util.Comparator;
import java.util.Map;
import java.util.Locale;

/**
 * Streaming consumers: {@code GET /api/queues/{vhost}/{name}/stream} opens one
 * ({@link ConsumerStream}); {@code POST /api/consumers/{id}/ack} and {@code /nack} settle its
 * deliveries; {@code GET /api/consumers[/{vhost}]} lists the cluster's consumers, of every protocol (a
 * {@code management} user sees those of the vhosts it may use).
 */
final class ConsumerRoutes {
  private final Vertx vertx;
  private final Broker broker;
  private final HttpConsumers consumers;
  private final int defaultPrefetch;
  private final int maxPrefetch;
  private final long keepAliveMillis;

  ConsumerRoutes(Vertx vertx, Broker broker, HttpConsumers consumers, JunctionConfig config) {
    this.vertx = vertx;
    this.broker = broker;
    this.consumers = consumers;
    this.defaultPrefetch = config.consumerPrefetchDefault();
    this.maxPrefetch = config.consumerPrefetchMax();
    this.keepAliveMillis = Math.max(1, config.get(Keys.HTTP_STREAM_KEEP_ALIVE).toMillis());
  }

  void mount(ApiRouter api) {
    api.on(io.vertx.core.http.HttpMethod.GET, "/queues/:vhost/:name/stream", HttpAuth.Need.LOGIN, this::stream)
        .get("/consumers", ctx -> list(ctx, null))
        .get("/consumers/:vhost", ctx -> list(ctx, Rest.vhost(ctx)))
        .on(io.vertx.core.http.HttpMethod.POST, "/consumers/:id/ack", HttpAuth.Need.LOGIN, this::ack)
        .on(io.vertx.core.http.HttpMethod.POST, "/consumers/:id/nack", HttpAuth.Need.LOGIN, this::nack);
  }

  private void stream(RoutingContext ctx) {
    StreamFormat format = StreamFormat.negotiate(ctx);
    String ack = Rest.query(ctx, "ack", "auto").toLowerCase(Locale.ROOT);
    if (!ack.equals("auto") && !ack.equals("manual")) {
      throw ErrorCode.INVALID_ARGUMENT.error("'ack' must be auto or manual, got '" + ack + "'");
    }
    int prefetch = Rest.intParam(ctx, "prefetch", defaultPrefetch, 1, maxPrefetch);
    String encoding = Rest.query(ctx, "encoding", "auto");
    if (!encoding.equals("auto") && !encoding.equals("base64")) {
      throw ErrorCode.INVALID_ARGUMENT.error("'encoding' must be auto or base64, got '" + encoding + "'");
    }
    new ConsumerStream(ctx, vertx, HttpAuth.broker(ctx), consumers, format, ack.equals("manual"), prefetch, encoding)
        .start(keepAliveMillis);
  }

  private void list(RoutingContext ctx, String vhost) {
    if (vhost != null && !broker.vhosts().contains(vhost)) {
      throw ErrorCode.noVhost(vhost);
    }
    Identity user = HttpAuth.user(ctx);
    Rest.reply(ctx, broker.listings().consumers(), (c, listed) -> Paging.reply(c, listed.items().stream()
            .filter(i -> vhost == null || i.vhost().equals(vhost))
            .filter(i -> ClusterLists.seesAll(user) || user.access().mayUse(i.vhost()))
            .sorted(Comparator.comparing(ConsumerInfo::tag)).toList(),
        ConsumerInfo::queue, ManagementJson::consumer, Map.of(), ClusterLists.completeness(c, listed)));
  }

  private void ack(RoutingContext ctx) {
    var consumer = consumers.require(ctx.pathParam("id"), HttpAuth.user(ctx));
    JsonObject body = Rest.bodyObject(ctx);
    Rest.reply(ctx, consumer.ack(deliveryTag(body), Rest.bool(body, "multiple", false)), (c, v) -> Rest.noContent(c));
  }

  private void nack(RoutingContext ctx) {
    var consumer = consumers.require(ctx.pathParam("id"), HttpAuth.user(ctx));
    JsonObject body = Rest.bodyObject(ctx);
    Rest.reply(ctx, consumer.nack(deliveryTag(body), Rest.bool(body, "multiple", false),
        Rest.bool(body, "requeue", true)), (c, v) -> Rest.noContent(c));
  }

  private static long deliveryTag(JsonObject body) {
    Object tag = body.getValue("delivery_tag");
    if (tag instanceof Number n && n.longValue() > 0 && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    throw ErrorCode.INVALID_ARGUMENT.error("'delivery_tag' must be a positive integer, got " + tag);
  }
}
