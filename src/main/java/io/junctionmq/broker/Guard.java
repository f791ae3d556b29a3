package io.junctionmq.broker;

import io.junctionmq.model.Binding;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.model.Exchange;
import io.junctionmq.model.ExchangeType;
import io.junctionmq.model.JunctionException;
import io.junctionmq.model.Message;
import io.junctionmq.model.Queue;
import io.junctionmq.security.Access;
import io.junctionmq.security.Access.Kind;
import io.junctionmq.security.Access.Resource;
import io.junctionmq.security.Audit;
import io.junctionmq.security.Audit.Denial;
import io.junctionmq.security.Identity;
import io.junctionmq.security.Tag;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * RabbitMQ's access control for one user, where RabbitMQ applies it: declaring and deleting
 * need {@code configure} on the resource; publishing {@code write} on the exchange (and, on a
 * topic exchange, the user's topic {@code write} permission on the routing key); binding
 * {@code write} on the destination and {@code read} on the source (and topic {@code read} on
 * the binding key); consuming, getting and purging {@code read} on the queue; managing vhosts
 * the {@code administrator} tag. A message whose {@code user-id} is not the user's name is
 * refused, so that consumers can trust it. Every check throws ACCESS_REFUSED (or
 * PRECONDITION_FAILED for the user-id), and runs on the caller's thread: a compiled
 * expression per check, no I/O. Each refusal is logged once, here ({@code access.denied}).
 */
final class Guard {
  private final Identity user;
  /** The exchange of that vhost and name, or null (to tell a topic exchange). */
  private final BiFunction<String, String, Exchange> exchanges;
  private final Predicate<String> vhostExists;
  private final Audit audit;

  Guard(Identity user, BiFunction<String, String, Exchange> exchanges, Predicate<String> vhostExists, Audit audit) {
    this.user = user;
    this.exchanges = exchanges;
    this.vhostExists = vhostExists;
    this.audit = audit;
  }

  /** The user's permissions, for a check in {@code vhost}: an unknown vhost is NOT_FOUND, not a refusal. */
  private Access access(String vhost) {
    Access access = user.access();
    if (!access.mayUse(vhost) && !vhostExists.test(vhost)) {
      throw ErrorCode.noVhost(vhost);
    }
    return access;
  }

  /** Runs {@code check}; a refusal is logged and counted ({@code access.denied}) before it is thrown on. */
  private void audited(String vhost, Denial denial, String resource, String name, Runnable check) {
    try {
      check.run();
    } catch (JunctionException e) {
      if (e.code() == ErrorCode.ACCESS_REFUSED) {
        audit.denied(user.name(), vhost, denial, resource, name, e.reason());
      }
      throw e;
    }
  }

  private void check(Access access, Kind kind, String vhost, Resource resource, String name) {
    String shown = resource == Resource.EXCHANGE && name.isEmpty() ? "amq.default" : name;
    audited(vhost, Denial.valueOf(kind.name()), resource.name().toLowerCase(Locale.ROOT), shown,
        () -> access.check(kind, vhost, resource, name));
  }

  private void checkTopic(Access access, Kind kind, String vhost, String exchange, String routingKey) {
    audited(vhost, Denial.valueOf(kind.name()), "topic", routingKey,
        () -> access.checkTopic(kind, vhost, exchange, routingKey));
  }

  Identity user() {
    return user;
  }

  void vhost(String vhost) {
    Access access = access(vhost);
    audited(vhost, Denial.VHOST, "vhost", vhost, () -> access.checkVhost(vhost));
  }

  /** {@code what} ("creating a vhost") of the vhost {@code vhost} needs the administrator tag. */
  void administrator(String what, String vhost) {
    if (!user.has(Tag.ADMINISTRATOR)) {
      var e = ErrorCode.ACCESS_REFUSED.error(what + " needs the administrator tag; user '" + user.name()
          + "' does not have it");
      audit.denied(user.name(), vhost, Denial.ADMINISTRATOR, "vhost", vhost, e.reason());
      throw e;
    }
  }

  void configureExchange(String vhost, String name) {
    check(access(vhost), Kind.CONFIGURE, vhost, Resource.EXCHANGE, name);
  }

  void configureQueue(Queue q) {
    configureQueue(q.vhost(), q.name());
  }

  void configureQueue(String vhost, String name) {
    check(access(vhost), Kind.CONFIGURE, vhost, Resource.QUEUE, name);
  }

  /** Consume, get and purge. */
  void readQueue(String vhost, String name) {
    check(access(vhost), Kind.READ, vhost, Resource.QUEUE, name);
  }

  void bind(Binding b) {
    var access = access(b.vhost());
    Resource destination = b.destinationType() == Binding.DestinationType.QUEUE ? Resource.QUEUE : Resource.EXCHANGE;
    check(access, Kind.WRITE, b.vhost(), destination, b.destination());
    check(access, Kind.READ, b.vhost(), Resource.EXCHANGE, b.source());
    if (isTopic(b.vhost(), b.source())) {
      checkTopic(access, Kind.READ, b.vhost(), b.source(), b.routingKey());
    }
  }

  void publish(String vhost, Message m) {
    var access = access(vhost);
    check(access, Kind.WRITE, vhost, Resource.EXCHANGE, m.exchange());
    if (isTopic(vhost, m.exchange())) {
      checkTopic(access, Kind.WRITE, vhost, m.exchange(), m.routingKey());
    }
    String userId = m.properties().userId();
    if (userId != null && !userId.equals(user.name())) {
      throw ErrorCode.PRECONDITION_FAILED.error("user-id property set to '" + userId + "' but authenticated user was '"
          + user.name() + "'");
    }
  }

  private boolean isTopic(String vhost, String exchange) {
    Exchange x = exchange.isEmpty() ? null : exchanges.apply(vhost, exchange);
    return x != null && x.type() == ExchangeType.TOPIC;
  }
}
