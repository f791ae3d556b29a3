package io.junctionmq.security;

import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The audit trail: logins, refused operations and changes to users, permissions, vhosts and
 * limits, as structured log lines of one logger ({@code io.junctionmq.security.Audit}, so that
 * they can be sent apart), counted by the {@link AuditObserver}. Never a password, a hash, a
 * token or a message body.
 */
public final class Audit {
  private static final Logger log = LoggerFactory.getLogger(Audit.class);

  /** What a refused operation needed; the {@code permission} of {@code access.denied} and its counter. */
  public enum Denial {
    CONFIGURE, WRITE, READ,
    /** Any permission in the vhost, to open a connection to it. */
    VHOST,
    /** A management tag, for the management API. */
    MANAGEMENT,
    /** The {@code monitoring} or {@code administrator} tag, for {@code /metrics}. */
    MONITORING,
    ADMINISTRATOR;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private volatile AuditObserver observer = AuditObserver.NONE;

  /** Where logins and refusals are counted from now on (metrics). */
  public void observer(AuditObserver observer) {
    this.observer = observer;
  }

  /**
   * {@code user} logged in. Only a login whose password was checked is logged (a login
   * answered from the cache of checked passwords is only counted).
   */
  void loggedIn(String user, String remote, String transport, boolean checked) {
    observer.login(AuditObserver.Login.SUCCESS, transport);
    if (checked) {
      login(log.atInfo(), "auth.succeeded", user, remote, transport).log("user {} logged in", user);
    }
  }

  void refused(String user, String remote, String transport, String reason) {
    observer.login(AuditObserver.Login.FAILURE, transport);
    login(log.atWarn(), "auth.denied", user, remote, transport).addKeyValue("reason", reason)
        .log("login refused for user {}: {}", user, reason);
  }

  /** A login from a blocked address was refused unchecked; the block itself is logged once, when it starts. */
  void blocked(String transport) {
    observer.login(AuditObserver.Login.BLOCKED, transport);
  }

  void blockStarted(String remote, String transport, int failures, long forMillis) {
    log.atWarn().addKeyValue("event", "auth.blocked").addKeyValue("remote", remote)
        .addKeyValue("transport", transport).addKeyValue("failures", failures)
        .addKeyValue("blocked_ms", forMillis)
        .log("{} failed logins from {}: its logins are refused for {} ms", failures, remote, forMillis);
  }

  private static LoggingEventBuilder login(LoggingEventBuilder b, String event, String user, String remote,
                                           String transport) {
    return b.addKeyValue("event", event).addKeyValue("user", user).addKeyValue("remote", remote)
        .addKeyValue("transport", transport);
  }

  /**
   * {@code user} was refused an operation on {@code resource} {@code name} ({@code exchange},
   * {@code queue}, {@code topic} with the routing key, {@code vhost}, {@code api} with the path)
   * in {@code vhost} (null outside one), for lack of {@code denial}. Logged once, where the
   * refusal is decided.
   */
  public void denied(String user, String vhost, Denial denial, String resource, String name, String reason) {
    observer.denied(denial);
    var e = log.atWarn().addKeyValue("event", "access.denied").addKeyValue("user", user);
    if (vhost != null) {
      e = e.addKeyValue("vhost", vhost);
    }
    e.addKeyValue("permission", denial.label()).addKeyValue("resource", resource).addKeyValue("name", name)
        .addKeyValue("reason", reason).log("access refused: {}", reason);
  }

  /**
   * A change to the security record: {@code event} ({@code user.changed}, {@code
   * permission.changed}, ...) with its {@code action}, the facts in {@code fields} (in their
   * order), and {@code by}, the user who made it (null: the application that embeds the broker).
   */
  public void changed(String event, String action, String by, Map<String, ?> fields) {
    var e = log.atInfo().addKeyValue("event", event).addKeyValue("action", action);
    for (var f : fields.entrySet()) {
      e = e.addKeyValue(f.getKey(), f.getValue());
    }
    if (by != null) {
      e = e.addKeyValue("by", by);
    }
    e.log("{} {}: {}{}", event, action, fields, by == null ? "" : " by " + by);
  }
}
