package io.junctionmq.config;

/** How log lines are written: {@code text} for people, {@code json} for log collectors. */
public enum LogFormat {
  TEXT,
  JSON
}
