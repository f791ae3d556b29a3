package io.junctionmq.transport.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A plain JDK HTTP client for the API tests: one call, one answer, every wait bounded. */
final class ApiClient {
  private final String base;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiClient(String baseUrl) {
    this.base = baseUrl;
  }

  record Response(int status, java.net.http.HttpHeaders headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonArray array() {
      return new JsonArray(body);
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  Response get(String path) {
    return send("GET", path, (String) null, Map.of());
  }

  Response delete(String path) {
    return send("DELETE", path, (String) null, Map.of());
  }

  Response put(String path, Object json) {
    return send("PUT", path, json == null ? null : json.toString(), Map.of("Content-Type", "application/json"));
  }

  Response post(String path, Object json) {
    return send("POST", path, json == null ? null : json.toString(), Map.of("Content-Type", "application/json"));
  }

  Response send(String method, String path, String body, Map<String, String> headers) {
    return sendBody(method, path, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body), headers);
  }

  Response sendBody(String method, String path, HttpRequest.BodyPublisher body, Map<String, String> headers) {
    var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).method(method, body);
    headers.forEach(request::header);
    try {
      HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpClient client() {
    return client;
  }

  String base() {
    return base;
  }
}
