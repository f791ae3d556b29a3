package io.junctionmq.transport.stomp;

import java.util.HashMap;
import java.util.Map;

/** The STOMP 1.2 commands; which side sends each decides what a session accepts. */
public enum StompCommand {
  CONNECT(true), STOMP(true), SEND(true), SUBSCRIBE(true), UNSUBSCRIBE(true), ACK(true), NACK(true),
  BEGIN(true), COMMIT(true), ABORT(true), DISCONNECT(true),
  CONNECTED(false), MESSAGE(false), RECEIPT(false), ERROR(false);

  private static final Map<String, StompCommand> BY_NAME = new HashMap<>();

  static {
    for (StompCommand c : values()) {
      BY_NAME.put(c.name(), c);
    }
  }

  private final boolean fromClient;

  StompCommand(boolean fromClient) {
    this.fromClient = fromClient;
  }

  public boolean fromClient() {
    return fromClient;
  }

  /** CONNECT, STOMP and CONNECTED frames have no header escaping (STOMP 1.2, "Value Encoding"). */
  boolean escapesHeaders() {
    return this != CONNECT && this != STOMP && this != CONNECTED;
  }

  /** The command with this exact (case-sensitive) name, or null. */
  public static StompCommand of(String name) {
    return BY_NAME.get(name);
  }
}
