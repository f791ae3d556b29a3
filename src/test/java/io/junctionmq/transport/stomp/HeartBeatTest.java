package io.junctionmq.transport.stomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.junctionmq.model.JunctionException;
import org.junit.jupiter.api.Test;

class HeartBeatTest {

  @Test
  void eachWayTakesTheLargerOfWhatOneSideCanAndTheOtherWants() {
    // The client can send every 1000 ms and wants to hear every 5000 ms; the server offers 2000.
    assertEquals(new HeartBeat(5000, 2000), HeartBeat.negotiate("1000,5000", 2000));
  }

  @Test
  void zeroOnEitherSideSwitchesThatWayOff() {
    assertEquals(new HeartBeat(0, 2000), HeartBeat.negotiate("2000,0", 2000));
    assertEquals(new HeartBeat(2000, 0), HeartBeat.negotiate("0,10", 2000));
    assertEquals(HeartBeat.NONE, HeartBeat.negotiate(null, 2000));
  }

  @Test
  void aMalformedHeaderIsAProtocolError() {
    assertThrows(JunctionException.class, () -> HeartBeat.negotiate("fast", 2000));
    assertThrows(JunctionException.class, () -> HeartBeat.negotiate("1,-1", 2000));
  }
}
