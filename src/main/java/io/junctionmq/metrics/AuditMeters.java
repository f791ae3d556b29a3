package io.junctionmq.metrics;

import io.junctionmq.security.Audit;
import io.junctionmq.security.AuditObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The audit trail's counters: logins by result and transport, refusals by the permission or tag
 * that was lacking. Every series exists from the start (at 0), so that {@code rate()} and
 * {@code increase()} see the first refusal; the label values are closed sets, never a user or
 * an address.
 */
final class AuditMeters implements AuditObserver {
  private final MeterRegistry registry;
  private final Map<String, Counter> logins = new ConcurrentHashMap<>();
  private final Map<Audit.Denial, Counter> denied = new EnumMap<>(Audit.Denial.class);
  private final List<Meter> meters = new ArrayList<>();

  AuditMeters(MeterRegistry registry) {
    this.registry = registry;
    for (String transport : Meters.LOGIN_TRANSPORTS) {
      for (Login result : Login.values()) {
        register(result, transport);
      }
    }
    Meters.Meter d = Meters.ACCESS_DENIED;
    for (Audit.Denial denial : Audit.Denial.values()) {
      Counter c = Counter.builder(d.name()).description(d.help()).tag(Meters.TAG_PERMISSION, denial.label())
          .register(registry);
      denied.put(denial, c);
      meters.add(c);
    }
  }

  synchronized List<Meter> meters() {
    return List.copyOf(meters);
  }

  @Override
  public void login(Login result, String transport) {
    Counter c = logins.get(key(result, transport));
    (c != null ? c : register(result, transport)).increment();
  }

  @Override
  public void denied(Audit.Denial denial) {
    denied.get(denial).increment();
  }

  private static String key(Login result, String transport) {
    return result.label() + "/" + transport;
  }

  /** A transport that is not among {@link Meters#LOGIN_TRANSPORTS} gets its series at its first login. */
  private synchronized Counter register(Login result, String transport) {
    return logins.computeIfAbsent(key(result, transport), k -> {
      Meters.Meter a = Meters.AUTH_ATTEMPTS;
      Counter c = Counter.builder(a.name()).description(a.help()).tag(Meters.TAG_RESULT, result.label())
          .tag(Meters.TAG_TRANSPORT, transport).register(registry);
      meters.add(c);
      return c;
    });
  }
}
