package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.model.Binding;
import io.junctionmq.model.Binding.DestinationType;
import io.junctionmq.model.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code /api/bindings}: list a vhost's bindings, those between two ends, bind (201 with a
 * {@code Location} naming the binding by its properties key) and unbind by properties key.
 */
final class BindingRoutes {
  private final Broker broker;

  BindingRoutes(Broker broker) {
    this.broker = broker;
  }

  void mount(ApiRouter api) {
    api.get("/bindings", ctx -> Paging.reply(ctx, HttpAuth.visible(ctx, broker.vhosts()).stream()
            .flatMap(v -> broker.bindings(v).stream()).toList(), Binding::source, ManagementJson::binding))
        .get("/bindings/:vhost", ctx -> Paging.reply(ctx, broker.bindings(Rest.vhost(ctx)), Binding::source,
            ManagementJson::binding));
    for (var type : DestinationType.values()) {
      String path = "/bindings/:vhost/e/:source/" + (type == DestinationType.QUEUE ? "q" : "e") + "/:destination";
      api.get(path, ctx -> between(ctx, type))
          .post(path, ctx -> bind(ctx, type, path))
          .get(path + "/:props", ctx -> Rest.json(ctx, 200, ManagementJson.binding(byKey(ctx, type))))
          .delete(path + "/:props", ctx -> unbind(ctx, type));
    }
  }

  private void between(RoutingContext ctx, DestinationType type) {
    requireEnds(ctx, type);
    Paging.reply(ctx, matching(ctx, type), Binding::routingKey, ManagementJson::binding);
  }

  /** The binding a body describes between two ends; fails INVALID_ARGUMENT naming a field of the wrong type. */
  static Binding binding(String vhost, String source, DestinationType type, String destination, JsonObject body) {
    return new Binding(vhost, source, type, destination, Rest.string(body, "routing_key", ""),
        Rest.object(body, "arguments").getMap());
  }

  private void bind(RoutingContext ctx, DestinationType type, String path) {
    var binding = binding(Rest.vhost(ctx), Rest.exchangeName(ctx, "source"), type, destination(ctx, type),
        Rest.bodyObject(ctx));
    Rest.reply(ctx, HttpAuth.broker(ctx).bind(binding), (c, v) -> c.response()
        .setStatusCode(201)
        .putHeader("Location", location(c, ManagementJson.propertiesKey(binding)))
        .end());
  }

  private void unbind(RoutingContext ctx, DestinationType type) {
    Rest.reply(ctx, HttpAuth.broker(ctx).unbind(byKey(ctx, type)), (c, v) -> Rest.noContent(c));
  }

  private Binding byKey(RoutingContext ctx, DestinationType type) {
    requireEnds(ctx, type);
    String props = ctx.pathParam("props");
    return matching(ctx, type).stream()
        .filter(b -> {
          String key = ManagementJson.propertiesKey(b);
          return key.equals(props) || key.equals(ManagementJson.encode(props));
        })
        .findFirst()
        .orElseThrow(() -> ErrorCode.NOT_FOUND.error("no binding with properties key '" + props + "'"));
  }

  private List<Binding> matching(RoutingContext ctx, DestinationType type) {
    String source = Rest.exchangeName(ctx, "source");
    String destination = destination(ctx, type);
    return broker.bindings(Rest.vhost(ctx)).stream()
        .filter(b -> b.source().equals(source) && b.destinationType() == type && b.destination().equals(destination))
        .toList();
  }

  private void requireEnds(RoutingContext ctx, DestinationType type) {
    String vhost = Rest.vhost(ctx);
    String source = Rest.exchangeName(ctx, "source");
    broker.exchange(vhost, source);
    String destination = destination(ctx, type);
    if (type == DestinationType.EXCHANGE) {
      broker.exchange(vhost, destination);
    } else if (broker.queues(vhost).stream().noneMatch(q -> q.queue().name().equals(destination))) {
      throw ErrorCode.noQueue(vhost, destination);
    }
  }

  private static String destination(RoutingContext ctx, DestinationType type) {
    return type == DestinationType.QUEUE ? ctx.pathParam("destination") : Rest.exchangeName(ctx, "destination");
  }

  private static String location(RoutingContext ctx, String propertiesKey) {
    String path = ctx.request().path();
    return (path.endsWith("/") ? path : path + "/") + ManagementJson.encode(propertiesKey);
  }
}
