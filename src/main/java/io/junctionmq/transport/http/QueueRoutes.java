package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.broker.QueueInfo;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Queue;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Map;
import java.util.function.Function;

/** {@code /api/queues}: list, show, declare, delete, purge, and a queue's bindings. */
final class QueueRoutes {
  /** The sort fields read straight from a queue, without building its JSON (rates are read from the JSON). */
  static final Map<String, Function<QueueInfo, ?>> SORT_KEYS = Map.ofEntries(
      Map.entry("name", q -> q.queue().name()),
      Map.entry("vhost", q -> q.queue().vhost()),
      Map.entry("node", QueueInfo::owner),
      Map.entry("durable", q -> q.queue().durable()),
      Map.entry("auto_delete", q -> q.queue().autoDelete()),
      Map.entry("exclusive", q -> q.queue().exclusive()),
      Map.entry("messages", q -> q.stats().messages()),
      Map.entry("messages_ready", q -> q.stats().messagesReady()),
      Map.entry("messages_unacknowledged", q -> q.stats().messagesUnacknowledged()),
      Map.entry("message_bytes_ready", q -> q.stats().messageBytesReady()),
      Map.entry("consumers", q -> q.stats().consumers()));

  private final Broker broker;
  private final Rates rates;

  QueueRoutes(Broker broker, Rates rates) {
    this.broker = broker;
    this.rates = rates;
  }

  void mount(ApiRouter api) {
    api.get("/queues", this::listAll)
        .get("/queues/:vhost", this::list)
        .get("/queues/:vhost/:name", this::show)
        .put("/queues/:vhost/:name", this::declare)
        .delete("/queues/:vhost/:name", this::delete)
        .delete("/queues/:vhost/:name/contents", this::purge)
        .get("/queues/:vhost/:name/bindings", this::bindings);
  }

  private void listAll(RoutingContext ctx) {
    var all = new ArrayList<QueueInfo>();
    for (String vhost : HttpAuth.visible(ctx, broker.vhosts())) {
      all.addAll(broker.queues(vhost));
    }
    Paging.reply(ctx, all, q -> q.queue().name(), q -> ManagementJson.queue(q, rates), SORT_KEYS);
  }

  private void list(RoutingContext ctx) {
    Paging.reply(ctx, broker.queues(Rest.vhost(ctx)), q -> q.queue().name(), q -> ManagementJson.queue(q, rates),
        SORT_KEYS);
  }

  private void show(RoutingContext ctx) {
    Rest.replyJson(ctx, broker.queueInfo(Rest.vhost(ctx), ctx.pathParam("name")), q -> ManagementJson.queue(q, rates));
  }

  private void declare(RoutingContext ctx) {
    String vhost = Rest.vhost(ctx);
    String name = ctx.pathParam("name");
    var queue = queue(vhost, name, Rest.bodyObject(ctx));
    broker.queueInfo(vhost, name).transform(existing -> {
      int status = existing.succeeded() ? 204 : 201;
      return HttpAuth.broker(ctx).declareQueue(queue).map(info -> status);
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().setStatusCode(ar.result()).end();
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /** The queue a declaration body describes; fails INVALID_ARGUMENT naming a field of the wrong type. */
  static Queue queue(String vhost, String name, JsonObject body) {
    return new Queue(vhost, name, Rest.bool(body, "durable", true), Rest.bool(body, "exclusive", false),
        Rest.bool(body, "auto_delete", false), Rest.object(body, "arguments").getMap());
  }

  private void delete(RoutingContext ctx) {
    String vhost = Rest.vhost(ctx);
    String name = ctx.pathParam("name");
    boolean ifUnused = Rest.flag(ctx, "if-unused");
    boolean ifEmpty = Rest.flag(ctx, "if-empty");
    var deleted = broker.queueInfo(vhost, name).compose(info ->
        HttpAuth.broker(ctx).deleteQueue(vhost, name, ifUnused, ifEmpty)
            .onSuccess(n -> rates.forget(info.id())));
    Rest.reply(ctx, deleted, (c, n) -> Rest.noContent(c));
  }

  private void purge(RoutingContext ctx) {
    Rest.reply(ctx, HttpAuth.broker(ctx).purgeQueue(Rest.vhost(ctx), ctx.pathParam("name")), (c, n) -> Rest.noContent(c));
  }

  private void bindings(RoutingContext ctx) {
    String vhost = Rest.vhost(ctx);
    String name = ctx.pathParam("name");
    Rest.reply(ctx, broker.queueInfo(vhost, name), (c, info) -> Paging.reply(c,
        broker.bindings(vhost).stream()
            .filter(b -> b.destinationType() == Binding.DestinationType.QUEUE && b.destination().equals(name))
            .toList(),
        Binding::source, ManagementJson::binding));
  }
}
