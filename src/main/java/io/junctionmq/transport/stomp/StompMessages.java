package io.junctionmq.transport.stomp;

import io.junctionmq.model.Delivery;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.MessageProperties;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * Maps SEND frames to messages and deliveries to MESSAGE frames, with the header names of
 * RabbitMQ's STOMP plugin: the AMQP properties by their STOMP names, every other header as
 * a message header. MESSAGE's {@code message-id} is the server's id of the delivery (the
 * publisher's one is {@code amqp-message-id}), as in RabbitMQ.
 */
final class StompMessages {
  /** Headers that steer a frame and are not carried with the message. */
  private static final Set<String> FRAME_HEADERS = Set.of("destination", "receipt", "transaction", "content-length",
      "subscription", "ack", "redelivered", "id");
  private static final Set<String> PROPERTY_HEADERS = Set.of("content-type", "content-encoding", "persistent",
      "priority", "expiration", "message-id", "amqp-message-id", "correlation-id", "reply-to", "type", "app-id",
      "user-id", "timestamp");

  private StompMessages() {
  }

  /**
   * The message a SEND carries, with {@code replyTo} in place of its {@code reply-to}; fails
   * INVALID_ARGUMENT for a number header that is not one, or a property out of its range.
   */
  static Message message(StompFrame send, String exchange, String routingKey, String replyTo) {
    var headers = new LinkedHashMap<String, String>();
    for (StompFrame.Header h : send.headers()) {
      if (!FRAME_HEADERS.contains(h.name()) && !PROPERTY_HEADERS.contains(h.name())) {
        headers.putIfAbsent(h.name(), h.value());
      }
    }
    String messageId = send.header("message-id", send.header("amqp-message-id"));
    var properties = MessageProperties.builder()
        .messageId(messageId)
        .correlationId(send.header("correlation-id"))
        .replyTo(replyTo)
        .contentType(send.header("content-type"))
        .contentEncoding(send.header("content-encoding"))
        .type(send.header("type"))
        .appId(send.header("app-id"))
        .userId(send.header("user-id"))
        .timestamp(longHeader(send, "timestamp"))
        .priority(intHeader(send, "priority"))
        .expiration(send.header("expiration"))
        .persistent("true".equals(send.header("persistent")))
        .headers(headers)
        .build();
    return new Message(exchange, routingKey, properties, send.body());
  }

  /** The MESSAGE frame of a delivery; {@code ackId} goes in {@code message-id} and, unless auto, {@code ack}. */
  static StompFrame frame(Delivery d, String subscription, String ackId, boolean withAck) {
    Message m = d.message();
    MessageProperties p = m.properties();
    var f = StompFrame.builder(StompCommand.MESSAGE)
        .header("subscription", subscription)
        .header("destination", StompDestination.of(m.exchange(), m.routingKey()))
        .header("message-id", ackId)
        .header("redelivered", d.redelivered());
    if (withAck) {
      f.header("ack", ackId);
    }
    f.header("content-type", p.contentType())
        .header("content-encoding", p.contentEncoding())
        .header("amqp-message-id", p.messageId())
        .header("correlation-id", p.correlationId())
        .header("reply-to", p.replyTo())
        .header("type", p.type())
        .header("app-id", p.appId())
        .header("user-id", p.userId())
        .header("timestamp", p.timestamp())
        .header("priority", p.priority())
        .header("expiration", p.expiration())
        .header("persistent", p.persistent() ? "true" : null);
    p.headers().forEach((k, v) -> {
      // A header without a name (an HTTP or event-bus publisher may set one) has no STOMP form:
      // the line ":v" would make every client refuse the frame (found by StompHeadersFuzzTest).
      if (!k.isEmpty() && !FRAME_HEADERS.contains(k) && !PROPERTY_HEADERS.contains(k)) {
        f.header(k, v);
      }
    });
    return f.header("content-length", m.body().length).body(m.body()).build();
  }

  private static Long longHeader(StompFrame f, String name) {
    String v = f.header(name);
    try {
      return v == null ? null : Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw notAnInteger(name, v);
    }
  }

  private static Integer intHeader(StompFrame f, String name) {
    String v = f.header(name);
    try {
      return v == null ? null : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw notAnInteger(name, v);
    }
  }

  private static JunctionException notAnInteger(String name, String v) {
    return ErrorCode.INVALID_ARGUMENT.error("header '" + name + "' must be an integer, got '"
        + StompDecoder.printable(v) + "'");
  }
}
