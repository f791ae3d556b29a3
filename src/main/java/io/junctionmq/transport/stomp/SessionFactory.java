package io.junctionmq.transport.stomp;

/** Opens the session of a new connection, whatever carries it. */
@FunctionalInterface
interface SessionFactory {
  StompSession open(StompTransport transport);
}
