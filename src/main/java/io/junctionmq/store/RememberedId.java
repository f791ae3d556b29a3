package io.junctionmq.store;

/** A message id a deduplicating queue accepted, remembered until {@code expiresAt} (epoch ms). */
public record RememberedId(String messageId, long expiresAt) {
}
