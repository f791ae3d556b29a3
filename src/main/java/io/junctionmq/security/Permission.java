package io.junctionmq.security;

/**
 * What a user may do in one vhost, RabbitMQ's three regular expressions over resource names:
 * {@code configure} (declare, delete), {@code write} (publish to an exchange, bind to a
 * queue) and {@code read} (consume, get, purge a queue; bind from an exchange). A blank
 * expression matches nothing, as {@code ^$} does.
 */
public record Permission(String user, String vhost, String configure, String write, String read) {

  /** Everything in the vhost. */
  public static Permission all(String user, String vhost) {
    return new Permission(user, vhost, ".*", ".*", ".*");
  }
}
