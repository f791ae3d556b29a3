package io.junctionmq.metrics;

import io.junctionmq.broker.QueueInfo;
import java.util.List;
import java.util.Map;

/** What the node-wide and per-queue meters read when {@code /metrics} is scraped. */
public interface MetricSources {

  /** The queues this node owns, with their counts now. */
  List<QueueInfo> ownedQueues();

  /** Open connections by transport, for each of {@link Meters#TRANSPORTS}. */
  Map<String, Integer> connections();

  /** Live broker nodes of the cluster (1 when standalone). */
  int clusterMembers();
}
