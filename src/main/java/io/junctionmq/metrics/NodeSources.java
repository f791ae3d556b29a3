package io.junctionmq.metrics;

import io.junctionmq.broker.BrokerImpl;
import io.junctionmq.broker.ConnectionInfo;
import io.junctionmq.broker.QueueInfo;
import io.junctionmq.cluster.Membership;
import io.junctionmq.transport.stomp.StompStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@link MetricSources} of a running node: its broker, its STOMP servers and its membership. */
public record NodeSources(BrokerImpl broker, StompStats stomp, Membership membership) implements MetricSources {

  @Override
  public List<QueueInfo> ownedQueues() {
    return broker.ownedQueues();
  }

  @Override
  public Map<String, Integer> connections() {
    return count(broker.connections(), stomp.tcpSessions(), stomp.webSocketSessions());
  }

  @Override
  public int clusterMembers() {
    return membership.members().size();
  }

  /**
   * Pure: STOMP sessions as the STOMP servers count them (a session is a connection from its
   * first byte, before CONNECT), HTTP streams (consuming and publishing) and event-bus clients
   * as broker connections of those protocols.
   */
  static Map<String, Integer> count(List<ConnectionInfo> connections, int stompTcp, int stompWs) {
    int http = 0;
    int eventBus = 0;
    for (ConnectionInfo c : connections) {
      if (c.protocol().startsWith("http")) {
        http++;
      } else if ("eventbus".equals(c.protocol())) {
        eventBus++;
      }
    }
    var counts = new LinkedHashMap<String, Integer>();
    counts.put("stomp", stompTcp);
    counts.put("ws", stompWs);
    counts.put("http", http);
    counts.put("eventbus", eventBus);
    return counts;
  }
}
