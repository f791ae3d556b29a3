package io.junctionmq.model;

/**
 * One message handed to one consumer. {@code deliveryTag} is unique within the consumer;
 * {@code deliveryCount} counts this delivery too, so a first delivery has 1.
 */
public record Delivery(String consumerTag, long deliveryTag, boolean redelivered, int deliveryCount,
                       String queue, Message message) {
}
