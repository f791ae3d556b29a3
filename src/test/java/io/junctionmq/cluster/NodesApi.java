package io.junctionmq.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads {@code GET /api/nodes} of a node over HTTP, every call bounded by a short timeout. */
final class NodesApi {
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private NodesApi() {
  }

  /** A status and body. */
  record Response(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** {@code GET <httpUrl><path>}; empty when the node does not answer within 2 s. */
  static Optional<Response> get(String httpUrl, String path) {
    var request = HttpRequest.newBuilder(URI.create(httpUrl + path)).timeout(Duration.ofSeconds(2)).GET().build();
    return send(request);
  }

  /** {@code PUT <httpUrl><path>} with a JSON body; empty when the node does not answer within 10 s. */
  static Optional<Response> put(String httpUrl, String path, JsonObject body) {
    var request = HttpRequest.newBuilder(URI.create(httpUrl + path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    return send(request);
  }

  /** {@code POST <httpUrl><path>} without a body; empty when the node does not answer within 10 s. */
  static Optional<Response> post(String httpUrl, String path) {
    var request = HttpRequest.newBuilder(URI.create(httpUrl + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    return send(request);
  }

  /** {@code DELETE <httpUrl><path>}; empty when the node does not answer within 10 s. */
  static Optional<Response> delete(String httpUrl, String path) {
    var request = HttpRequest.newBuilder(URI.create(httpUrl + path)).timeout(Duration.ofSeconds(10)).DELETE().build();
    return send(request);
  }

  /** Sends {@code request}; empty when the node does not answer within the request's timeout. */
  private static Optional<Response> send(HttpRequest request) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return Optional.of(new Response(response.statusCode(), response.body()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The owner of queue {@code name} in vhost {@code /} as the node at {@code httpUrl} knows it; empty if unknown. */
  static Optional<String> owner(String httpUrl, String name) {
    return get(httpUrl, "/api/queues/%2F/" + name).filter(r -> r.status() == 200)
        .map(r -> r.json().getString("node"));
  }

  /** The names {@code /api/nodes} lists; empty when the node does not answer 200. */
  static Optional<Set<String>> names(String httpUrl) {
    return get(httpUrl, "/api/nodes").filter(r -> r.status() == 200).map(r -> {
      Set<String> names = new TreeSet<>();
      new JsonArray(r.body()).forEach(o -> names.add(((JsonObject) o).getString("name")));
      return names;
    });
  }
}
