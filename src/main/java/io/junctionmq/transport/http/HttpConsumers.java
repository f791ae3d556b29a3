package io.junctionmq.transport.http;

import io.junctionmq.broker.Consumer;
import io.junctionmq.model.ErrorCode;
import io.junctionmq.security.Identity;
import io.junctionmq.security.Tag;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The consumers of open HTTP streams, by consumer id (their consumer tag), for acks and listing. */
final class HttpConsumers {
  /** One stream's consumer. */
  record Entry(String id, String vhost, String queue, boolean manual, int prefetch, String connection,
               String user, Consumer consumer) {
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  void add(Entry e) {
    entries.put(e.id(), e);
  }

  void remove(String id) {
    entries.remove(id);
  }

  /**
   * The consumer with this id, for {@code user}; fails NOT_FOUND when no open stream has it,
   * or when it is another user's (only an administrator may settle for another).
   */
  Consumer require(String id, Identity user) {
    Entry e = entries.get(id);
    if (e == null || !(e.user().equals(user.name()) || user.has(Tag.ADMINISTRATOR))) {
      throw ErrorCode.noConsumer(id, "(its stream is closed or never was)");
    }
    return e.consumer();
  }

  Collection<Entry> all() {
    return entries.values();
  }
}
