package io.junctionmq.cluster;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.Objects;
import java.util.Set;

/** A node alone: its set of members never changes, so handlers are never called. */
final class StandaloneMembership implements Membership {
  private final String self;
  private final Set<String> members;

  StandaloneMembership(String self) {
    this.self = Objects.requireNonNull(self, "self");
    this.members = Set.of(self);
  }

  @Override
  public String self() {
    return self;
  }

  @Override
  public Set<String> members() {
    return members;
  }

  @Override
  public void onChange(Handler<Set<String>> handler) {
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
