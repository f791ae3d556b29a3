package io.junctionmq.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Instant;

/** Stamps a body's first 8 bytes with the publish time and reads the latency back. */
enum LatencyClock {
  /** Publisher and consumer in one JVM: {@link System#nanoTime()}, monotonic and precise. */
  NANO {
    @Override
    long now() {
      return System.nanoTime();
    }

    @Override
    long toMicros(long elapsed) {
      return elapsed / 1000;
    }
  },
  /** Publisher and consumer in different processes: wall-clock microseconds. */
  WALL_MICROS {
    @Override
    long now() {
      Instant t = Instant.now();
      return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    @Override
    long toMicros(long elapsed) {
      return elapsed;
    }
  };

  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  abstract long now();

  abstract long toMicros(long elapsed);

  static LatencyClock of(BenchTarget target) {
    return target.sameJvm() ? NANO : WALL_MICROS;
  }

  void stamp(byte[] body) {
    LONG.set(body, 0, now());
  }

  /** Microseconds since {@code body} was stamped; never negative (clocks of two hosts may disagree). */
  long latencyMicros(byte[] body) {
    long stamped = (long) LONG.get(body, 0);
    return Math.max(0, toMicros(now() - stamped));
  }
}
