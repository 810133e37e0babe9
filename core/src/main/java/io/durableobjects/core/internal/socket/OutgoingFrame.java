package io.durableobjects.core.internal.socket;

/**
 * INTERNAL API: a command for one socket's connection, made by a request and held by the output
 * gate until the writes before it are durable.
 *
 * @param socketId the socket
 * @param gateway the serialized reference of its connection's actor
 * @param command what to tell it
 */
public record OutgoingFrame(String socketId, String gateway, SocketCommand command) {}
