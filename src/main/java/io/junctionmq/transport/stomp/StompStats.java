package io.junctionmq.transport.stomp;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counters over every STOMP session of a node, for tests and metrics. */
public final class StompStats {
  private final AtomicInteger sessions = new AtomicInteger();
  private final AtomicInteger webSocketSessions = new AtomicInteger();
  private final AtomicInteger peakInFlight = new AtomicInteger();
  private final AtomicLong readPauses = new AtomicLong();
  private final AtomicLong deliveryPauses = new AtomicLong();

  /** Open sessions. */
  public int sessions() {
    return sessions.get();
  }

  /** Open sessions over WebSocket ({@code /ws}). */
  public int webSocketSessions() {
    return webSocketSessions.get();
  }

  /** Open sessions over plain TCP. */
  public int tcpSessions() {
    return Math.max(0, sessions.get() - webSocketSessions.get());
  }

  /** The most unconfirmed SENDs any one session ever had. */
  public int peakInFlight() {
    return peakInFlight.get();
  }

  /** How often a session stopped reading because its SENDs were unconfirmed. */
  public long readPauses() {
    return readPauses.get();
  }

  /** How often a session paused its auto-ack subscriptions because the socket was full. */
  public long deliveryPauses() {
    return deliveryPauses.get();
  }

  void opened(boolean webSocket) {
    if (webSocket) {
      webSocketSessions.incrementAndGet();
    }
    sessions.incrementAndGet();
  }

  void closed(boolean webSocket) {
    sessions.decrementAndGet();
    if (webSocket) {
      webSocketSessions.decrementAndGet();
    }
  }

  void inFlight(int n) {
    peakInFlight.accumulateAndGet(n, Math::max);
  }

  void readPaused() {
    readPauses.incrementAndGet();
  }

  void deliveryPaused() {
    deliveryPauses.incrementAndGet();
  }
}
