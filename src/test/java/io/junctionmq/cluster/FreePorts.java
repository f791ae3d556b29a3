package io.junctionmq.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for test nodes that must keep theirs across a restart (so port 0 will not do). They
 * come from 20000-32767, below Linux's ephemeral range, so that no outgoing connection of
 * this machine holds one when a node binds it again; each is handed out once per JVM.
 */
public final class FreePorts {
  private static final int LOW = 20_000;
  private static final int HIGH = 32_768;
  private static final Set<Integer> handedOut = new HashSet<>();

  private FreePorts() {
  }

  /** A loopback port that nothing listens on now and this JVM has not handed out before. */
  public static synchronized int next() {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (handedOut.contains(port)) {
        continue;
      }
      try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        handedOut.add(port);
        return port;
      } catch (IOException e) {
        // in use: try another
      }
    }
    throw new IllegalStateException("no free port found in " + LOW + ".." + HIGH);
  }
}
