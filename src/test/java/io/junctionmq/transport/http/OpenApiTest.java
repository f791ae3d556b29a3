package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.junctionmq.config.JunctionConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAPI document in the jar describes exactly the routes the API's router serves. */
class OpenApiTest {
  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void everyRouteTheRouterServesIsInTheDocumentAndNothingElse() throws IOException {
    JsonObject doc;
    try (InputStream in = HttpApi.class.getClassLoader().getResourceAsStream(HttpApi.OPENAPI)) {
      doc = new JsonObject(Buffer.buffer(in.readAllBytes()));
    }
    var router = HttpApi.router(vertx, JunctionConfig.defaults(), null, Buffer.buffer("{}"));

    Set<String> served = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() != null && route.methods() != null && !route.methods().isEmpty()) {
        for (var method : route.methods()) {
          served.add(method.name().toLowerCase(Locale.ROOT) + " " + route.getPath().replaceAll(":(\\w+)", "{$1}"));
        }
      }
    }
    Set<String> documented = new TreeSet<>();
    doc.getJsonObject("paths").forEach(p -> ((JsonObject) p.getValue()).fieldNames()
        .forEach(method -> documented.add(method + " " + p.getKey())));

    assertEquals("3.0.3", doc.getString("openapi"));
    assertEquals("/api", doc.getJsonArray("servers").getJsonObject(0).getString("url"));
    assertEquals(served, documented);
  }
}
