package io.junctionmq.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgConnectOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class PgHostsTest {
  @Test
  void aUriWithOneHostIsTheHostVertxParses() {
    PgHosts hosts = PgHosts.parse("postgresql://junction:secret@db:5433/broker?sslmode=disable");
    assertEquals(1, hosts.hosts().size());
    assertFalse(hosts.needsChoosing());
    PgConnectOptions expected = PgConnectOptions.fromUri("postgresql://junction:secret@db:5433/broker?sslmode=disable");
    assertEquals(expected.toJson(), hosts.hosts().get(0).toJson());
  }

  @Test
  void aHostListGivesEachHostInOrderWithTheSameUserDatabaseAndParameters() {
    PgHosts hosts = PgHosts.parse("postgresql://junction:secret@h1:5432,h2:6432/broker?application_name=x"
        + "&target_session_attrs=read-write&sslmode=disable");
    assertTrue(hosts.readWrite());
    assertTrue(hosts.needsChoosing());
    assertEquals(List.of("h1:5432", "h2:6432"), hosts.hosts().stream().map(o -> o.getHost() + ":" + o.getPort()).toList());
    for (PgConnectOptions o : hosts.hosts()) {
      assertEquals("junction", o.getUser());
      assertEquals("secret", o.getPassword());
      assertEquals("broker", o.getDatabase());
      assertEquals("x", o.getProperties().get("application_name"));
      assertFalse(o.getProperties().containsKey("target_session_attrs"), "not sent to the server: " + o.getProperties());
    }
  }

  @Test
  void targetSessionAttrsAloneOrFirstIsTakenOutCleanly() {
    assertEquals("db", PgHosts.parse("postgresql://u@h:1/db?target_session_attrs=primary").hosts().get(0).getDatabase());
    PgHosts first = PgHosts.parse("postgres://u@h:1,g:2/db?target_session_attrs=any&application_name=y");
    assertFalse(first.readWrite());
    assertTrue(first.needsChoosing(), "two hosts");
    assertEquals("y", first.hosts().get(1).getProperties().get("application_name"));
  }

  @Test
  void anUnsupportedTargetSessionAttrsOrAnEmptyHostIsRefused() {
    var standby = assertThrows(IllegalArgumentException.class,
        () -> PgHosts.parse("postgresql://u@h:1,g:2/db?target_session_attrs=standby"));
    assertTrue(standby.getMessage().contains("'standby' is not supported"), standby.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PgHosts.parse("postgresql://u@h:1,/db"));
    assertThrows(IllegalArgumentException.class, () -> PgHosts.parse("mysql://u@h:1/db"));
  }
}
