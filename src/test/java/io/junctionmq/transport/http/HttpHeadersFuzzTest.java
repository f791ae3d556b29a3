package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.junctionmq.model.JunctionException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The HTTP headers and query parameters the API interprets, with values from the network
 * (docs/fuzzing.md): a raw publish's {@code X-*} property headers, {@code delivery_mode},
 * {@code persistent} and {@code mandatory}, the paging integers, the flags and the Content-Type.
 * Each gives its value or a {@link JunctionException} answered with a 4xx and a JSON body, never
 * another failure (a 500). An input is {@code Name: value} header lines, a blank line, then
 * {@code name=value} query lines (as the router hands them out, decoded).
 */
class HttpHeadersFuzzTest {

  @FuzzTest(maxDuration = "10s")
  void everyHeaderAndQueryParameterGivesItsValueOrA4xx(byte[] input) {
    String[] parts = new String(input, StandardCharsets.UTF_8).split("\n\n", 2);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    pairs(parts[0], ':').forEach((k, v) -> headers.add(k, v.strip()));
    Map<String, String> query = parts.length > 1 ? pairs(parts[1], '=') : Map.of();

    String type = headers.get("Content-Type");
    valueOr4xx(() -> assertNotNull(Rest.baseType(type)));
    valueOr4xx(() -> Rest.isJson(type));
    valueOr4xx(() -> assertNotNull(PublishRoutes.rawProperties(headers, type, headers.get("Idempotency-Key"),
        PublishRoutes.persistent(query.get("delivery_mode"), query.get("persistent")))));
    for (String flag : new String[] {"mandatory", "if-unused", "if-empty", "sort_reverse", "use_regex"}) {
      valueOr4xx(() -> Rest.flag(flag, query.get(flag)));
    }
    valueOr4xx(() -> assertTrue(Rest.intParam("page", query.get("page"), 1, 1, Integer.MAX_VALUE) >= 1));
    valueOr4xx(() -> {
      int size = Rest.intParam("page_size", query.get("page_size"), 100, 1, 500);
      assertTrue(size >= 1 && size <= 500);
    });
  }

  private static void valueOr4xx(Runnable read) {
    try {
      read.run();
    } catch (JunctionException e) {
      int status = e.code().httpStatus();
      assertTrue(status >= 400 && status < 500, e.code() + " is answered with " + status);
      JsonObject answer = new JsonObject(HttpErrors.body(e).encode());
      assertEquals(e.code().wireName(), answer.getString("error"));
      assertFalse(answer.getString("reason").isEmpty(), "an error without a reason");
    }
  }

  /** {@code name<sep>value} lines; a line without the separator is a name with an empty value. */
  private static Map<String, String> pairs(String text, char sep) {
    var out = new HashMap<String, String>();
    for (String line : text.split("\n")) {
      int at = line.indexOf(sep);
      String name = at < 0 ? line : line.substring(0, at);
      if (!name.isEmpty()) {
        out.put(name, at < 0 ? "" : line.substring(at + 1));
      }
    }
    return out;
  }
}
