package io.junctionmq.transport.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.junctionmq.model.JunctionException;
import io.junctionmq.model.MessageProperties;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PublishLinesTest {

  /** What NdjsonPublish makes of a line (bytes, as it reads them) without PublishLines: the line, or the error's reason. */
  private static Object slow(String line) {
    try {
      var body = new JsonObject(Buffer.buffer(line));
      return new PublishLines.Line(MessageJson.message("x", body, null), Rest.bool(body, "mandatory", false));
    } catch (JunctionException e) {
      return e.reason();
    } catch (RuntimeException e) {
      return "not a JSON object";
    }
  }

  /** Reads the line with {@code lines}, checks it agrees with the JsonObject path, and gives what it read. */
  private static PublishLines.Line agree(PublishLines lines, String line) {
    var fast = lines.read(line.getBytes(StandardCharsets.UTF_8));
    if (fast != null) {
      var expected = slow(line);
      if (!(expected instanceof PublishLines.Line e)) {
        throw new AssertionError("read a line the JsonObject path refuses (" + expected + "): " + line);
      }
      assertEquals(e.message().exchange(), fast.message().exchange(), line);
      assertEquals(e.message().routingKey(), fast.message().routingKey(), line);
      assertEquals(e.message().properties(), fast.message().properties(), line);
      assertArrayEquals(e.message().body(), fast.message().body(), line);
      assertEquals(e.mandatory(), fast.mandatory(), line);
    }
    return fast;
  }

  @Test
  void theUsualShapesAreReadStraightFromTheBytes() {
    var lines = new PublishLines("x");
    for (String line : new String[] {
        "{\"routing_key\":\"up\",\"properties\":{\"delivery_mode\":2},\"payload\":\"aGVsbG8=\",\"payload_encoding\":\"base64\"}",
        "{\"payload_encoding\":\"base64\",\"payload\":\"aGVsbG8=\",\"routing_key\":\"up\"}",
        "{\"routing_key\":\"a.b\",\"payload\":\"plain text\",\"mandatory\":true}",
        "{\"routing_key\":\"k\",\"payload\":\"\"}",
        "{\"routing_key\":\"k\"}",
        "{}",
        " { \"routing_key\" : \"k\" , \"payload\" : \"x y\" , \"extra\" : 5, \"more\": null, \"flag\": false } ",
        "{\"properties\":{\"headers\":{\"a\":1,\"b\":\"two\"},\"priority\":\"7\",\"content_type\":\"text/plain\"},\"payload\":\"p\"}",
        "{\"routing_key\":\"é\",\"payload\":\"aGk=\",\"payload_encoding\":\"base64\"}",
        "{\"payload\":\"first\",\"payload\":\"second\",\"routing_key\":\"a\",\"routing_key\":\"b\"}"}) {
      assertNotNull(agree(lines, line), line);
    }
    // A byte order mark, which both parsers skip: what is read must still come from the right bytes.
    for (String line : new String[] {
        "\uFEFF{\"payload\":\"aGVsbG8=\",\"payload_encoding\":\"base64\"}",
        "\uFEFF{\"properties\":{\"delivery_mode\":2},\"payload\": \"abc\"}",
        "\uFEFF{\"payload\"  :   \"abc\"}"}) {
      agree(lines, line);
    }
    var read = agree(lines, "{\"routing_key\":\"up\",\"properties\":{\"delivery_mode\":2},\"payload\":\"aGVsbG8=\","
        + "\"payload_encoding\":\"base64\",\"mandatory\":true}");
    assertEquals("up", read.message().routingKey());
    assertArrayEquals("hello".getBytes(), read.message().body());
    assertEquals(MessageProperties.PERSISTENT, read.message().properties());
    assertEquals(true, read.mandatory());
  }

  @Test
  void anythingUnusualIsLeftToTheJsonObjectPath() {
    var lines = new PublishLines("x");
    for (String line : new String[] {
        "{\"payload\":\"a\\\"b\"}",
        "{\"payload\":\"a\\/b\",\"payload_encoding\":\"base64\"}",
        "{\"payload\":\"aGVs\\nbG8=\",\"payload_encoding\":\"base64\"}",
        "{\"payload\":\"h\u00e9llo\"}",
        "{\"payload\":\"not base64!\",\"payload_encoding\":\"base64\"}",
        "{\"payload\":\"aGk=\",\"payload_encoding\":\"hex\"}",
        "{\"payload\":5}",
        "{\"payload\":null}",
        "{\"routing_key\":7}",
        "{\"mandatory\":\"true\"}",
        "{\"properties\":\"none\"}",
        "{\"properties\":{\"priority\":300}}",
        "{\"other\":{\"nested\":[1,2]}}",
        "{\"routing_key\":\"k\"} /* comment */",
        "{\"routing_key\":\"k\"} {}",
        "{\"routing_key\":\"k\"",
        "[1,2]",
        "\"text\"",
        "not json"}) {
      assertNull(agree(lines, line), line);
    }
  }

  @Test
  void propertiesAreReusedOnlyWhileTheyRepeatByteForByte() {
    var lines = new PublishLines("x");
    var persistent = "{\"properties\":{\"delivery_mode\":2},\"payload\":\"p\"}";
    var transientLine = "{\"properties\":{\"delivery_mode\":1},\"payload\":\"p\"}";
    var none = "{\"payload\":\"p\"}";
    var headers = "{\"properties\":{\"delivery_mode\":2,\"headers\":{\"h\":\"v\"}},\"payload\":\"p\"}";
    assertEquals(true, agree(lines, persistent).message().persistent());
    assertEquals(true, agree(lines, persistent).message().persistent());
    assertEquals(false, agree(lines, transientLine).message().persistent());
    assertEquals(false, agree(lines, none).message().persistent());
    assertEquals(true, agree(lines, persistent).message().persistent());
    assertEquals(Map.of("h", "v"), agree(lines, headers).message().properties().headers());
    assertEquals(Map.of(), agree(lines, persistent).message().properties().headers());
  }

  @Provide
  Arbitrary<String> lines() {
    Arbitrary<String> text = Arbitraries.strings().withChars("ab/+=\\\"é \n\u0001").ofMaxLength(12);
    Arbitrary<String> value = Arbitraries.oneOf(
        text.map(PublishLinesTest::quoted),
        Arbitraries.of("base64", "string", "hex").map(PublishLinesTest::quoted),
        Arbitraries.of("aGk=", "aGVsbG8=", "", "aGVsbG8", "YQ==YQ==").map(PublishLinesTest::quoted),
        Arbitraries.of("1", "2", "true", "false", "null", "{}", "[]", "3.5", "{\"delivery_mode\":2}",
            "{\"delivery_mode\":\"3\"}", "{\"headers\":{\"a\":[1]},\"priority\":4}"));
    Arbitrary<String> field = Combinators.combine(
        Arbitraries.of("routing_key", "payload", "payload_encoding", "properties", "mandatory", "other"), value)
        .as((name, v) -> quoted(name) + ":" + v);
    return field.list().ofMaxSize(6).map(fields -> "{" + String.join(",", fields) + "}");
  }

  @Property(tries = 2000)
  void whatIsReadAgreesWithTheJsonObjectPath(@ForAll("lines") String line) {
    agree(new PublishLines("x"), line);
  }

  @Test
  void aStreamOfMixedLinesAgreesLineByLine() {
    var random = new Random(7);
    var shapes = new ArrayList<>(List.of(
        "{\"routing_key\":\"up\",\"properties\":{\"delivery_mode\":2},\"payload\":\"aGVsbG8=\",\"payload_encoding\":\"base64\"}",
        "{\"routing_key\":\"up\",\"properties\":{\"delivery_mode\":1},\"payload\":\"aGVsbG8=\",\"payload_encoding\":\"base64\"}",
        "{\"routing_key\":\"up\",\"properties\":{\"delivery_mode\":2,\"priority\":1},\"payload\":\"text\"}",
        "{\"routing_key\":\"up\",\"properties\":{\"priority\":999},\"payload\":\"text\"}",
        "{\"routing_key\":\"up\",\"payload\":\"esc\\\\aped\"}"));
    var lines = new PublishLines("x");
    int read = 0;
    for (int i = 0; i < 500; i++) {
      Collections.shuffle(shapes, random);
      if (agree(lines, shapes.get(0)) != null) {
        read++;
      }
    }
    assertEquals(true, read > 200, "the usual lines were read: " + read);
  }

  private static String quoted(String s) {
    String encoded = JsonObject.of("s", s).encode();
    return encoded.substring(5, encoded.length() - 1);
  }
}
