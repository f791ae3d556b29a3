package io.junctionmq.transport.stomp;

import io.junctionmq.config.JunctionConfig;

/** The limits a STOMP session enforces, from the node's configuration. */
record StompSettings(long maxFrame, long maxHeaders, long heartBeatMillis, int maxInFlight, String server) {
  static StompSettings of(JunctionConfig config) {
    return new StompSettings(config.stompMaxFrame(), config.stompMaxHeaders(), config.stompHeartbeat().toMillis(),
        config.publishMaxInFlight(), "junction/" + version());
  }

  private static String version() {
    String v = StompSettings.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
