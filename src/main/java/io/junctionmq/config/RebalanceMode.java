package io.junctionmq.config;

/**
 * When queues are rebalanced across the nodes: also when a node joins ({@code auto}), or
 * only when an administrator asks ({@code manual}, {@code POST /api/rebalance}).
 */
public enum RebalanceMode {
  AUTO,
  MANUAL
}
