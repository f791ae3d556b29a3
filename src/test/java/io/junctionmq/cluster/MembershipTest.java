package io.junctionmq.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junctionmq.cluster.HazelcastMembership.Registration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MembershipTest {

  @Test
  void aStandaloneNodeIsAClusterOfOneThatNeverChanges() {
    Membership membership = Membership.standalone("host1-8080");
    membership.onChange(members -> {
      throw new AssertionError("a standalone membership never changes");
    });

    assertEquals("host1-8080", membership.self());
    assertEquals(Set.of("host1-8080"), membership.members());
    assertTrue(membership.close().succeeded());
  }

  @Test
  void aRegistrationIsAJsonStringThatRoundTrips() {
    var broker = new Registration("n1", MemberRole.BROKER);
    var client = new Registration("app-7", MemberRole.CLIENT);

    assertEquals("{\"node\":\"n1\",\"role\":\"broker\"}", broker.encode());
    assertEquals(broker, Registration.decode(broker.encode()));
    assertEquals(client, Registration.decode(client.encode()));
  }

  @Test
  void aRegistrationThisVersionDoesNotUnderstandIsIgnored() {
    assertNull(Registration.decode("{\"node\":\"n1\",\"role\":\"witness\"}"));
    assertNull(Registration.decode("{\"role\":\"broker\"}"));
    assertNull(Registration.decode("not json"));
  }
}
