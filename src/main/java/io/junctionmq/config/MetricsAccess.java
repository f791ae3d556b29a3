package io.junctionmq.config;

/**
 * Who may read {@code /metrics}: anyone ({@code open}, as Prometheus scrapes without
 * credentials), or a user with the {@code monitoring} or {@code administrator} tag.
 */
public enum MetricsAccess {
  OPEN,
  MONITORING
}
