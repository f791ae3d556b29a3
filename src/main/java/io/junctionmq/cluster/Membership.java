package io.junctionmq.cluster;

public interface Membership {
  /** This node's Junction node id (config node.id, or the derived host-port one). */
  String self();
  /** Junction node ids of the live broker members, self included; standalone: just self. */
  java.util.Set<String> members();
  /** Called (on some Vert.x context) whenever the set of live broker members changes, with the new set. */
  void onChange(io.vertx.core.Handler<java.util.Set<String>> handler);
  /** Stops listening (called on close). */
  io.vertx.core.Future<Void> close();

  /** A node on its own. */
  static Membership standalone(String self) {
    return new Membership() {
      @Override
      public String self() {
        return self;
      }

      @Override
      public java.util.Set<String> members() {
        return java.util.Set.of(self);
      }

      @Override
      public void onChange(io.vertx.core.Handler<java.util.Set<String>> handler) {
      }

      @Override
      public io.vertx.core.Future<Void> close() {
        return io.vertx.core.Future.succeededFuture();
      }
    };
  }
}
