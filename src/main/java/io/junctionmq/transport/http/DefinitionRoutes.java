package io.junctionmq.transport.http;

import io.junctionmq.broker.Broker;
import io.junctionmq.definitions.DefinitionsExport;
import io.junctionmq.definitions.DefinitionsImport;
import io.junctionmq.definitions.DefinitionsReader;
import io.junctionmq.definitions.DefinitionsWriter;
import io.junctionmq.model.ErrorCode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * RabbitMQ's definitions, for administrators: {@code GET /api/definitions} (and per vhost)
 * exports them, {@code POST} imports a document in RabbitMQ's format all or nothing (see
 * docs/definitions.md). One import runs at a time on a node: a second one meanwhile is refused,
 * since its checks would read a state the first is changing.
 */
final class DefinitionRoutes {
  private final Broker broker;
  private final String productVersion;
  private final AtomicBoolean importing = new AtomicBoolean();

  DefinitionRoutes(Broker broker, String productVersion) {
    this.broker = broker;
    this.productVersion = productVersion;
  }

  void mount(ApiRouter api) {
    var admin = HttpAuth.Need.ADMINISTRATOR;
    api.on(HttpMethod.GET, "/definitions", admin, ctx -> Rest.json(ctx, 200,
            DefinitionsWriter.write(DefinitionsExport.all(broker), productVersion)))
        .on(HttpMethod.GET, "/definitions/:vhost", admin, ctx -> Rest.json(ctx, 200,
            DefinitionsWriter.write(DefinitionsExport.vhost(broker, Rest.vhost(ctx)), productVersion)))
        .on(HttpMethod.POST, "/definitions", admin, ctx -> load(ctx, null))
        .on(HttpMethod.POST, "/definitions/:vhost", admin, ctx -> load(ctx, Rest.vhost(ctx)));
  }

  private void load(RoutingContext ctx, String vhost) {
    var body = Rest.bodyObject(ctx);
    var definitions = vhost == null ? DefinitionsReader.read(body) : DefinitionsReader.read(body, vhost);
    if (!importing.compareAndSet(false, true)) {
      throw ErrorCode.RESOURCE_LOCKED.error("another definitions import is running on this node; try again");
    }
    var done = DefinitionsImport.apply(broker, definitions, HttpAuth.user(ctx).name())
        .onComplete(r -> importing.set(false));
    Rest.reply(ctx, done, (c, counts) -> Rest.noContent(c));
  }
}
