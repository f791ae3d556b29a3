package io.junctionmq.queue;

import java.util.List;

/**
 * What a {@link QueueState} command returns, as rabbit_fifo's {@code apply/3} does: its reply
 * to the caller and the effects the host must carry out, in order.
 *
 * @param reply   the command's answer; null for a command that has none ({@code Void})
 * @param effects what the host must do: store, deliver, remove, page in
 */
public record Result<R>(R reply, List<Effect> effects) {
  private static final Result<?> NOTHING = new Result<>(null, List.of());

  /** No reply and no effects: shared, so that a command that changes nothing allocates nothing. */
  @SuppressWarnings("unchecked")
  static <R> Result<R> nothing() {
    return (Result<R>) NOTHING;
  }
}
