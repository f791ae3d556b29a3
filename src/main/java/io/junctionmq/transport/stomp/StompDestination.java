package io.junctionmq.transport.stomp;

import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;

/**
 * A STOMP destination as RabbitMQ's STOMP plugin defines them, so that clients written for it
 * work unchanged. Names and routing keys are taken as they are (no URL decoding); a name may
 * not be empty.
 */
public sealed interface StompDestination {
  String TOPIC_EXCHANGE = "amq.topic";

  /** {@code /exchange/{name}[/{routing-key}]}: publish to the exchange; subscribe through a private bound queue. */
  record ToExchange(String exchange, String routingKey) implements StompDestination {
  }

  /** {@code /queue/{name}}: a durable queue declared on first use, through the default exchange. */
  record ToQueue(String queue) implements StompDestination {
  }

  /** {@code /amq/queue/{name}}: a queue that must exist already. */
  record ToExistingQueue(String queue) implements StompDestination {
  }

  /** {@code /topic/{routing-key}}: {@code amq.topic}; each subscription has its own queue. */
  record ToTopic(String routingKey) implements StompDestination {
  }

  /** {@code /temp-queue/{name}}: the session's private reply queue called {@code name}. */
  record ToTempQueue(String name) implements StompDestination {
  }

  /** {@code /reply-queue/{queue}}: what a {@code /temp-queue} reply-to is rewritten to. */
  record ToReplyQueue(String queue) implements StompDestination {
  }

  /** Parses a destination header; fails INVALID_ARGUMENT for anything else. */
  static StompDestination parse(String d) {
    if (d == null || d.isEmpty()) {
      throw ErrorCode.INVALID_ARGUMENT.error("the frame has no destination header");
    }
    if (d.startsWith("/exchange/")) {
      String rest = d.substring("/exchange/".length());
      int slash = rest.indexOf('/');
      String name = slash < 0 ? rest : rest.substring(0, slash);
      return new ToExchange(name(name, d), slash < 0 ? "" : rest.substring(slash + 1));
    }
    if (d.startsWith("/queue/")) {
      return new ToQueue(name(d.substring("/queue/".length()), d));
    }
    if (d.startsWith("/amq/queue/")) {
      return new ToExistingQueue(name(d.substring("/amq/queue/".length()), d));
    }
    if (d.startsWith("/topic/")) {
      return new ToTopic(name(d.substring("/topic/".length()), d));
    }
    if (d.startsWith("/temp-queue/")) {
      return new ToTempQueue(name(d.substring("/temp-queue/".length()), d));
    }
    if (d.startsWith("/reply-queue/")) {
      return new ToReplyQueue(name(d.substring("/reply-queue/".length()), d));
    }
    throw bad(d, "it must start with /exchange/, /queue/, /amq/queue/, /topic/, /temp-queue/ or /reply-queue/");
  }

  /** The destination a MESSAGE shows for a message published to {@code exchange} with {@code routingKey}. */
  static String of(String exchange, String routingKey) {
    if (exchange.isEmpty()) {
      return "/queue/" + routingKey;
    }
    if (exchange.equals(TOPIC_EXCHANGE)) {
      return "/topic/" + routingKey;
    }
    return "/exchange/" + exchange + (routingKey.isEmpty() ? "" : "/" + routingKey);
  }

  private static String name(String name, String d) {
    if (name.isEmpty()) {
      throw bad(d, "the name is empty");
    }
    if (name.length() > 255) {
      throw bad(d, "the name is longer than 255 characters");
    }
    return name;
  }

  private static JunctionException bad(String d, String why) {
    return ErrorCode.INVALID_ARGUMENT.error("invalid destination '" + StompDecoder.printable(d) + "': " + why);
  }
}
