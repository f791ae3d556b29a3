package io.junctionmq.definitions;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The RabbitMQ exports under src/test/resources/definitions (see the README there). */
public final class Fixtures {
  /** GET /api/definitions of RabbitMQ 3.10.8. */
  public static final String RABBITMQ = "rabbitmq-3.10.8.json";
  /** rabbitmqctl export_definitions of the same broker. */
  public static final String RABBITMQCTL = "rabbitmq-3.10.8-rabbitmqctl.json";
  /** GET /api/definitions/shop of the same broker. */
  public static final String SHOP = "rabbitmq-3.10.8-shop.json";

  private Fixtures() {
  }

  public static String text(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/definitions/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonObject json(String name) {
    return new JsonObject(text(name));
  }
}
