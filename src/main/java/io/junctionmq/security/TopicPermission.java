package io.junctionmq.security;

/**
 * RabbitMQ's topic permissions: on a topic exchange, which routing keys a user may publish
 * with ({@code write}) and bind queues with ({@code read}), as regular expressions in which
 * {@code {username}} and {@code {vhost}} stand for the user's name and the vhost.
 */
public record TopicPermission(String user, String vhost, String exchange, String write, String read) {
}
