package io.junctionmq.model;

/** A queue that a rebalance moves from one node to another. */
public record QueueMove(String vhost, String queue, String from, String to) {
}
