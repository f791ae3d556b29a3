package io.junctionmq.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.config.JunctionConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebServerIT {

  @Test
  void answers503UntilTheTransportsAreMountedThenServesThem() {
    Vertx vertx = Vertx.vertx();
    try {
      var config = JunctionConfig.defaults().with(Map.of("http.host", "127.0.0.1", "http.port", 0));
      WebServer web = WebServer.listen(vertx, config).await();
      var client = vertx.createHttpClient();
      var starting = client.request(HttpMethod.GET, web.port(), "127.0.0.1", "/api/overview")
          .compose(r -> r.send()).await();
      assertEquals(503, starting.statusCode());
      assertTrue(starting.body().await().toString().contains("\"error\":\"unavailable\""));
      web.router().get("/api/overview").handler(ctx -> ctx.end("up"));
      web.ready();
      var up = client.request(HttpMethod.GET, web.port(), "127.0.0.1", "/api/overview").compose(r -> r.send()).await();
      assertEquals(200, up.statusCode());
      assertEquals("up", up.body().await().toString());
      web.close().await();
    } finally {
      vertx.close().await();
    }
  }
}
