package io.junctionmq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.junctionmq.security.Audit;
import io.junctionmq.security.AuditObserver.Login;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The audit counters: every series there at 0 from the start, each event counted in its own. */
class AuditMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AuditMeters meters = new AuditMeters(registry);

  private double attempts(String result, String transport) {
    return registry.get(Meters.AUTH_ATTEMPTS.name()).tag(Meters.TAG_RESULT, result)
        .tag(Meters.TAG_TRANSPORT, transport).counter().count();
  }

  private double denied(String permission) {
    return registry.get(Meters.ACCESS_DENIED.name()).tag(Meters.TAG_PERMISSION, permission).counter().count();
  }

  @Test
  void everySeriesExistsAtZeroBeforeTheFirstEvent() {
    int transports = Meters.LOGIN_TRANSPORTS.size();
    assertEquals(transports * Login.values().length, registry.find(Meters.AUTH_ATTEMPTS.name()).counters().size());
    assertEquals(Audit.Denial.values().length, registry.find(Meters.ACCESS_DENIED.name()).counters().size());
    assertEquals(0, attempts("blocked", "eventbus"));
    assertEquals(0, denied("administrator"));
    assertEquals(meters.meters().size(), registry.getMeters().size());
  }

  @Test
  void eachLoginAndRefusalIsCountedInItsSeriesOnly() {
    meters.login(Login.SUCCESS, "stomp");
    meters.login(Login.SUCCESS, "stomp");
    meters.login(Login.FAILURE, "http");
    meters.login(Login.BLOCKED, "http");
    meters.denied(Audit.Denial.WRITE);
    assertEquals(2, attempts("success", "stomp"));
    assertEquals(0, attempts("success", "http"));
    assertEquals(1, attempts("failure", "http"));
    assertEquals(1, attempts("blocked", "http"));
    assertEquals(1, denied("write"));
    assertEquals(0, denied("read"));
  }

  @Test
  void aTransportOutsideTheKnownOnesGetsItsSeriesAtItsFirstLogin() {
    meters.login(Login.FAILURE, "mqtt");
    meters.login(Login.FAILURE, "mqtt");
    assertEquals(2, attempts("failure", "mqtt"));
    assertEquals(meters.meters().size(), registry.getMeters().size(), "the node removes it with the others");
  }
}
