package io.junctionmq.model;

/**
 * A failure of a layer below the broker that knows what a client should see of it. The
 * store's exceptions implement it, so that {@link Failures} translates them without model
 * depending on the store.
 */
public interface CodedFailure {
  ErrorCode code();

  /** What a client may read: fixed wording, never this failure's own message (it may hold SQL). */
  String clientReason();
}
