package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.model.Binding;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** {@code /api/exchanges}: list, show, declare, delete, and an exchange's bindings. */
final class ExchangeRoutes {
  private static final Map<String, Function<Exchange, ?>> SORT_KEYS = Map.of(
      "name", Exchange::name, "vhost", Exchange::vhost, "type", x -> x.type().wireName(),
      "durable", Exchange::durable, "auto_delete", Exchange::autoDelete, "internal", Exchange::internal);

  private final Broker broker;

  ExchangeRoutes(Broker broker) {
    this.broker = broker;
  }

  void mount(ApiRouter api) {
    api.get("/exchanges", this::listAll)
        .get("/exchanges/:vhost", this::list)
        .get("/exchanges/:vhost/:name", this::show)
        .put("/exchanges/:vhost/:name", this::declare)
        .delete("/exchanges/:vhost/:name", this::delete)
        .get("/exchanges/:vhost/:name/bindings/source", ctx -> bindings(ctx, true))
        .get("/exchanges/:vhost/:name/bindings/destination", ctx -> bindings(ctx, false));
  }

  private void listAll(RoutingContext ctx) {
    var all = new ArrayList<Exchange>();
    for (String vhost : HttpAuth.visible(ctx, broker.vhosts())) {
      all.addAll(broker.exchanges(vhost));
    }
    Paging.reply(ctx, all, Exchange::name, ManagementJson::exchange, SORT_KEYS);
  }

  private void list(RoutingContext ctx) {
    Paging.reply(ctx, broker.exchanges(Rest.vhost(ctx)), Exchange::name, ManagementJson::exchange, SORT_KEYS);
  }

  private void show(RoutingContext ctx) {
    Rest.json(ctx, 200, ManagementJson.exchange(require(ctx)));
  }

  private void declare(RoutingContext ctx) {
    String vhost = Rest.vhost(ctx);
    String name = Rest.exchangeName(ctx, "name");
    var exchange = exchange(vhost, name, Rest.bodyObject(ctx));
    boolean existed = broker.exchanges(vhost).stream().anyMatch(x -> x.name().equals(name));
    Rest.reply(ctx, HttpAuth.broker(ctx).declareExchange(exchange), (c, x) -> c.response().setStatusCode(existed ? 204 : 201).end());
  }

  /** The exchange a declaration body describes; fails INVALID_ARGUMENT for a missing or unknown type or a bad field. */
  static Exchange exchange(String vhost, String name, JsonObject body) {
    String type = Rest.string(body, "type", null);
    if (type == null) {
      throw ErrorCode.INVALID_ARGUMENT.error("'type' is required: direct, fanout, topic or headers");
    }
    ExchangeType parsed;
    try {
      parsed = ExchangeType.of(type);
    } catch (IllegalArgumentException e) {
      throw ErrorCode.INVALID_ARGUMENT.error("unknown exchange type '" + type + "': direct, fanout, topic or headers");
    }
    return new Exchange(vhost, name, parsed, Rest.bool(body, "durable", true),
        Rest.bool(body, "auto_delete", false), Rest.bool(body, "internal", false),
        Rest.object(body, "arguments").getMap());
  }

  private void delete(RoutingContext ctx) {
    Rest.reply(ctx, HttpAuth.broker(ctx).deleteExchange(Rest.vhost(ctx), Rest.exchangeName(ctx, "name"), Rest.flag(ctx, "if-unused")),
        (c, v) -> Rest.noContent(c));
  }

  private void bindings(RoutingContext ctx, boolean asSource) {
    Exchange x = require(ctx);
    List<Binding> matching = broker.bindings(x.vhost()).stream()
        .filter(b -> asSource ? b.source().equals(x.name())
            : b.destinationType() == Binding.DestinationType.EXCHANGE && b.destination().equals(x.name()))
        .toList();
    Paging.reply(ctx, matching, Binding::routingKey, ManagementJson::binding);
  }

  private Exchange require(RoutingContext ctx) {
    return broker.exchange(Rest.vhost(ctx), Rest.exchangeName(ctx, "name"));
  }
}
