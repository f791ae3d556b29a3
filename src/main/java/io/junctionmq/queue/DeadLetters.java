package io.junctionmq.queue;

import io.junctionmq.model.Message;
import java.util.HashMap;

/**
 * Builds the message a queue republishes as a dead letter, after RabbitMQ: to the queue's
 * dead-letter exchange, with its dead-letter routing key or the message's own, without its
 * {@code expiration} (so it does not expire again at once), and with headers saying where
 * and why it died. Headers are flat strings here: {@code x-first-death-queue},
 * {@code x-first-death-reason}, {@code x-first-death-exchange} are set once, the first time;
 * {@code x-last-death-*} every time; {@code x-death-count} counts the deaths.
 */
public final class DeadLetters {
  private DeadLetters() {
  }

  public static Message of(Message original, String queue, QueuePolicy policy, QueuePolicy.Reason reason) {
    var headers = new HashMap<>(original.properties().headers());
    headers.putIfAbsent("x-first-death-queue", queue);
    headers.putIfAbsent("x-first-death-reason", reason.wireName());
    headers.putIfAbsent("x-first-death-exchange", original.exchange());
    headers.put("x-last-death-queue", queue);
    headers.put("x-last-death-reason", reason.wireName());
    headers.put("x-last-death-exchange", original.exchange());
    headers.put("x-death-count", Long.toString(deaths(headers.get("x-death-count")) + 1));
    if (original.properties().expiration() != null) {
      headers.put("x-original-expiration", original.properties().expiration());
    }
    var properties = original.properties().toBuilder().expiration(null).headers(headers).build();
    String routingKey = policy.deadLetterRoutingKey() != null ? policy.deadLetterRoutingKey() : original.routingKey();
    return new Message(policy.deadLetterExchange(), routingKey, properties, original.body());
  }

  private static long deaths(String count) {
    try {
      return count == null ? 0 : Long.parseLong(count);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
