package io.junctionmq.config;

import java.util.List;

/**
 * The configuration is invalid. The message lists every problem at once, e.g.
 * {@code invalid configuration: http.port: must be an integer 0..65535, got 'abc'; ...}, so
 * an operator fixes them in one round. An expected failure: it carries no stack trace.
 */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super("invalid configuration: " + String.join("; ", problems), null, false, false);
    this.problems = List.copyOf(problems);
  }

  /** Each problem on its own, in the order of the message. */
  public List<String> problems() {
    return problems;
  }
}
