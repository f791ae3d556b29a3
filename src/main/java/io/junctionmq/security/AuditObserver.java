package io.junctionmq.security;

import java.util.Locale;

/**
 * Where the audit trail is counted, for metrics: each login and each refused operation, never
 * with a user name or an address. Called on event loops and worker threads; must not block.
 */
public interface AuditObserver {
  AuditObserver NONE = new AuditObserver() {
    @Override
    public void login(Login result, String transport) {
    }

    @Override
    public void denied(Audit.Denial denial) {
    }
  };

  /** How a login ended: logged in, refused, or refused unchecked because its address is blocked. */
  enum Login {
    SUCCESS, FAILURE, BLOCKED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A login over {@code transport} ({@code stomp}, {@code http}, {@code eventbus}) ended with {@code result}. */
  void login(Login result, String transport);

  /** An operation was refused: the user lacked what {@code denial} names. */
  void denied(Audit.Denial denial);
}
