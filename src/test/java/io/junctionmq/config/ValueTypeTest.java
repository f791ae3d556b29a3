package io.junctionmq.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.junctionmq.config.ValueType.DurationValue;
import io.junctionmq.config.ValueType.IntValue;
import io.junctionmq.config.ValueType.InvalidValue;
import io.junctionmq.config.ValueType.SizeValue;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypeTest {
  @ParameterizedTest
  @CsvSource({
      "65536, 65536",
      "512KiB, 524288",
      "64MiB, 67108864",
      "1GiB, 1073741824",
      "1gib, 1073741824",
      "10 B, 10",
      "2TiB, 2199023255552"})
  void sizeAcceptsBytesAndBinaryUnits(String raw, long bytes) {
    assertEquals(bytes, new SizeValue(1).parse(raw));
  }

  @ParameterizedTest
  @ValueSource(strings = {"64MB", "1.5GiB", "-1", "KiB", "", "99999999999TiB"})
  void sizeRejectsAnythingElse(String raw) {
    var e = assertThrows(InvalidValue.class, () -> new SizeValue(1).parse(raw));
    assertEquals("must be a size such as 65536, 512KiB, 64MiB or 1GiB", e.getMessage());
  }

  @Test
  void sizeBelowTheMinimumSaysTheMinimum() {
    var e = assertThrows(InvalidValue.class, () -> new SizeValue(1).parse("0"));
    assertEquals("must be >= 1", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"500ms, 500", "10s, 10000", "1m, 60000", "2h, 7200000", "PT1.5S, 1500", "3 S, 3000"})
  void durationAcceptsMillisSecondsMinutesHoursAndIso(String raw, long millis) {
    assertEquals(Duration.ofMillis(millis), new DurationValue().parse(raw));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "1.5s", "s", "10d", "Pnonsense", ""})
  void durationRejectsAnythingElse(String raw) {
    var e = assertThrows(InvalidValue.class, () -> new DurationValue().parse(raw));
    assertEquals("must be a duration such as 500ms, 10s or 1m", e.getMessage());
  }

  @Test
  void durationMustBePositive() {
    var e = assertThrows(InvalidValue.class, () -> new DurationValue().parse("0ms"));
    assertEquals("must be > 0", e.getMessage());
  }

  @Test
  void intSaysItsRangeWhenNotAnIntegerAndWhenOutOfRange() {
    var port = new IntValue(0, 65535);
    assertEquals("must be an integer 0..65535",
        assertThrows(InvalidValue.class, () -> port.parse("8080.0")).getMessage());
    assertEquals("must be 0..65535",
        assertThrows(InvalidValue.class, () -> port.parse("65536")).getMessage());
    assertEquals("must be an integer >= 1",
        assertThrows(InvalidValue.class, () -> new IntValue(1, Integer.MAX_VALUE).parse("x"))
            .getMessage());
  }

  @Test
  void enumIsCaseInsensitiveAndListsItsChoices() {
    var format = new ValueType.EnumValue<>(LogFormat.class);
    assertEquals(LogFormat.JSON, format.parse("JSON"));
    assertEquals("must be one of text, json",
        assertThrows(InvalidValue.class, () -> format.parse("xml")).getMessage());
  }

  @Test
  void clusterMembersAreHostPortPairs() {
    var members = Keys.CLUSTER_MEMBERS.type();
    assertEquals(List.of("a:5701", "10.0.0.2:5702", "[::1]:5703"),
        members.parse("a:5701, 10.0.0.2:5702,,[::1]:5703"));
    assertEquals(List.of(), members.parse(""));
    for (String bad : List.of("a", "a:0", "a:70000", "a:b", ":5701")) {
      assertThrows(InvalidValue.class, () -> members.parse(bad), bad);
    }
  }
}
