package io.junctionmq.broker;

/** A client connection as the broker sees it. */
public record ConnectionInfo(String id, String name, String protocol, long connectedAt, int consumers) {
}
