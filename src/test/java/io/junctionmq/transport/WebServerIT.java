package io.junctionmq.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.config.JunctionConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebServerIT {

  /** GET /api/overview: "status body". */
  private static String get(io.vertx.core.http.HttpClient client, int port) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", "/api/overview")
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b)))
        .await();
  }

  @Test
  void answers503UntilTheTransportsAreMountedThenServesThem() {
    Vertx vertx = Vertx.vertx();
    try {
      var config = JunctionConfig.defaults().with(Map.of("http.host", "127.0.0.1", "http.port", 0));
      WebServer web = WebServer.listen(vertx, config).await();
      var client = vertx.createHttpClient();
      String starting = get(client, web.port());
      assertTrue(starting.startsWith("503 "), starting);
      assertTrue(starting.contains("\"error\":\"unavailable\""), starting);
      web.router().get("/api/overview").handler(ctx -> ctx.end("up"));
      web.ready();
      assertEquals("200 up", get(client, web.port()));
      web.close().await();
    } finally {
      vertx.close().await();
    }
  }
}
